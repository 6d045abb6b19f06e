package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in headless Chromium against three {@code server} processes: it shows the cluster
 * and its leader, writes a key through the page, reads it back at another node with each
 * consistency (the session token carried along), watches console-* and sees the next write in its
 * feed, and shows the new leader once the leader's process is killed. Screenshots go to {@code
 * target/console-*.png}.
 *
 * <p>Runs where Debian's {@code chromium} and {@code chromium-driver} are installed ({@code
 * .ci/run} installs them); skipped, saying so, elsewhere.
 */
class ConsoleBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @Test
  void thePageShowsTheClusterWritesReadsAndFollowsALeaderChange(@TempDir Path dir)
      throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "no browser: install Debian's chromium and chromium-driver (as .ci/run does) to run the"
            + " web console's browser test");
    Map<Integer, String> roles = new LinkedHashMap<>();
    for (int id = 1; id <= 3; id++) {
      roles.put(id, "[proposer, acceptor, learner]");
    }
    try (ServerProcesses nodes = new ServerProcesses(dir, "console", roles, "")) {
      nodes.start(1, 2, 3);
      int first = ClusterWrites.leader(nodes, 1, 2, 3);
      WebDriver browser = chromium(dir);
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        // The page is opened at a node that does not lead, so that it stays up when the leader is
        // killed (on a busy machine the leadership may move meanwhile: follow what the page says).
        int pageNode = first == 1 ? 2 : 1;
        browser.get(url(nodes, pageNode, "/"));
        wait.until(b -> !summaryLeader(b).isEmpty() && rows(b, "serving") == 3);
        if (summaryLeader(browser).equals(Integer.toString(pageNode))) {
          pageNode = 6 - first - pageNode;
          browser.get(url(nodes, pageNode, "/"));
          wait.until(b -> !summaryLeader(b).isEmpty() && rows(b, "serving") == 3);
        }
        int served = pageNode;
        int readNode = List.of(1, 2, 3).stream().filter(id -> id != served).findFirst().get();
        assertThat(browser.findElement(By.id("summary")).getText())
            .contains("served by node " + pageNode)
            .contains("membership epoch 0 from slot 1");

        browser.findElement(By.id("write-key")).sendKeys("console-key");
        browser.findElement(By.id("write-value")).sendKeys("hello from the page");
        browser.findElement(By.id("put-button")).click();
        wait.until(
            b -> "200".equals(b.findElement(By.id("write-result")).getAttribute("data-status")));
        String token = browser.findElement(By.id("session-token")).getText();
        assertThat(Long.parseLong(token)).isPositive();

        browser.findElement(By.id("read-key")).sendKeys("console-key");
        new Select(browser.findElement(By.id("read-node")))
            .selectByValue("127.0.0.1:" + nodes.httpPorts.get(readNode));
        for (String consistency : List.of("strong", "session", "eventual")) {
          new Select(browser.findElement(By.id("read-consistency"))).selectByValue(consistency);
          WebElement result = browser.findElement(By.id("read-result"));
          browser.findElement(By.id("read-button")).click();
          // eventual may answer before node readNode applied the write: ask again until it has
          wait.until(
              b -> {
                String text = result.getText();
                if (text.contains("hello from the page")
                    && text.contains("\"consistency\": \"" + consistency + "\"")) {
                  return true;
                }
                if (!text.equals("\u2026")) {
                  b.findElement(By.id("read-button")).click();
                }
                return false;
              });
          assertThat(result.getText())
              .as(consistency)
              .startsWith("200")
              .contains("\"consistency\": \"" + consistency + "\"");
        }

        // A watch on console-* sees the next write to a matching key.
        WebElement patterns = browser.findElement(By.id("watch-patterns"));
        patterns.clear();
        patterns.sendKeys("console-*");
        browser.findElement(By.id("watch-button")).click();
        wait.until(b -> b.findElement(By.id("watch-state")).getText().contains("(subscription "));
        WebElement key = browser.findElement(By.id("write-key"));
        key.clear();
        key.sendKeys("console-watched");
        browser.findElement(By.id("put-button")).click();
        wait.until(
            b -> b.findElement(By.id("watch-feed")).getText().contains("console-watched = hello"));

        browser.findElement(By.id("browse-prefix")).sendKeys("console-");
        browser.findElement(By.id("browse-button")).click();
        wait.until(
            b -> b.findElement(By.id("browse-table")).getText().contains("hello from the page"));
        screenshot(browser, "console-cluster.png");

        String shown = summaryLeader(browser);
        int leader = Integer.parseInt(shown);
        assertThat(leader).isNotEqualTo(pageNode);
        nodes.kill(leader);
        wait.until(
            b -> {
              String now = summaryLeader(b);
              return !now.isEmpty() && !now.equals(shown);
            });
        wait.until(b -> rows(b, "unreachable") == 1 && rows(b, "serving") == 2);
        screenshot(browser, "console-after-leader-kill.png");
      } catch (Exception | AssertionError e) {
        screenshot(browser, "console-failure.png");
        throw e;
      } finally {
        browser.quit();
      }
    }
  }

  private static String url(ServerProcesses nodes, int id, String path) {
    return "http://127.0.0.1:" + nodes.httpPorts.get(id) + path;
  }

  private static String summaryLeader(WebDriver browser) {
    String leader = browser.findElement(By.id("summary")).getAttribute("data-leader");
    return leader == null ? "" : leader;
  }

  /**
   * Rows of the cluster table in {@code state}, counted in the page (it redraws them each second).
   */
  private static long rows(WebDriver browser, String state) {
    Object count =
        ((JavascriptExecutor) browser)
            .executeScript(
                "return document.querySelectorAll("
                    + "'#cluster-table tbody tr[data-state=\"' + arguments[0] + '\"]').length;",
                state);
    return ((Number) count).longValue();
  }

  private static WebDriver chromium(Path dir) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1300,1000",
        "--user-data-dir=" + dir.resolve("chromium-profile"));
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    return new ChromeDriver(service, options);
  }

  private static void screenshot(WebDriver browser, String name) throws Exception {
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(Files.createDirectories(Path.of("target")).resolve(name), png);
  }
}
