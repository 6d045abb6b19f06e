package io.paxos.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code kv members}: bad input is refused with one line and exit 2 before any node is asked (the
 * endpoint given listens nowhere: a command that connected would exit 3 instead).
 */
class MembersCommandTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          frob                     | : use list, add, remove or replace
          list 1                   | usage: members list
          add 4                    | usage: members add ID HOST:PORT
          add x 127.0.0.1:1        | is not a node id
          add 0 127.0.0.1:1        | node id 0 is out of range
          add 4 nowhere            | nowhere
          remove                   | usage: members remove ID
          replace 3 3 127.0.0.1:1  | OLD and NEW are both 3: give the new node a new id
          replace 3 4              | usage: members replace OLD NEW HOST:PORT
          """)
  void refusesBadInputInOneLine(String args, String message) {
    Run r = kv(("members " + args + " -e 127.0.0.1:1").split(" "));
    assertThat(r.exit).as("%s", r).isEqualTo(Exits.USAGE);
    assertThat(r.err.lines()).hasSize(1);
    assertThat(r.err).startsWith("kv members: ").contains(message);
  }

  @Test
  void onlyOneQuorumIsRefused() {
    Run r = kv("members", "remove", "3", "--phase1-quorum", "2", "-e", "127.0.0.1:1");
    assertThat(r.exit).isEqualTo(Exits.USAGE);
    assertThat(r.err).contains("give both quorums or neither");
  }

  private record Run(int exit, String out, String err) {}

  private static Run kv(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl =
        KvCli.commandLine(
            new KvCli(
                new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), Map.of()));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(args), out.toString(), err.toString().strip());
  }
}
