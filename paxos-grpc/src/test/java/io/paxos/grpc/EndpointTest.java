package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {

  @Test
  void parsesHostAndPort() {
    assertThat(Endpoint.parse("localhost:9000")).isEqualTo(new Endpoint("localhost", 9000));
    assertThat(Endpoint.parse("10.0.0.7:1")).isEqualTo(new Endpoint("10.0.0.7", 1));
    assertThat(Endpoint.parse("  node-3.example.org:65535 "))
        .isEqualTo(new Endpoint("node-3.example.org", 65_535));
  }

  @Test
  void parsesBracketedIpv6() {
    Endpoint e = Endpoint.parse("[::1]:9000");
    assertThat(e.host()).isEqualTo("::1");
    assertThat(e.port()).isEqualTo(9000);
    assertThat(e.isIpv6()).isTrue();
    assertThat(Endpoint.parse("[fe80::1%eth0]:443").host()).isEqualTo("fe80::1%eth0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:9000", "10.0.0.7:80", "[::1]:9000", "[2001:db8::7]:65535"})
  void toStringParsesBackToTheSameEndpoint(String text) {
    Endpoint e = Endpoint.parse(text);
    assertThat(e.toString()).isEqualTo(text);
    assertThat(Endpoint.parse(e.toString())).isEqualTo(e);
  }

  @Test
  void blankIsRefused() {
    assertThatThrownBy(() -> Endpoint.parse("   "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank")
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> Endpoint.parse(":9000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no host");
    assertThatThrownBy(() -> new Endpoint(" ", 9000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host is blank");
    assertThatThrownBy(() -> Endpoint.parse(null)).isInstanceOf(NullPointerException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "localhost:", "[::1]", "[::1]:"})
  void missingPortIsRefused(String text) {
    assertThatThrownBy(() -> Endpoint.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing a port")
        .hasMessageContaining(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h:0", "h:65536", "h:99999", "h:123456789012", "[::1]:70000"})
  void portOutOfRangeIsRefused(String text) {
    assertThatThrownBy(() -> Endpoint.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range")
        .hasMessageContaining("1 to 65535");
    assertThatThrownBy(() -> new Endpoint("h", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h:http", "h:+80", "h:-1", "h:8 0", "h:0x50"})
  void nonNumericPortIsRefused(String text) {
    assertThatThrownBy(() -> Endpoint.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a number");
  }

  @Test
  void malformedHostsAreRefusedWithAHint() {
    assertThatThrownBy(() -> Endpoint.parse("::1:9000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("put it in brackets");
    assertThatThrownBy(() -> Endpoint.parse("[::1:9000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never closes");
    assertThatThrownBy(() -> Endpoint.parse("[localhost]:9000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only for IPv6");
    assertThatThrownBy(() -> Endpoint.parse("[::1]9000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("after ']'");
    assertThatThrownBy(() -> Endpoint.parse("my host:9000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contains ' '");
  }

  @Test
  void parsesListsInOrder() {
    assertThat(Endpoint.parseList("h1:1,h2:2"))
        .containsExactly(new Endpoint("h1", 1), new Endpoint("h2", 2));
    assertThat(Endpoint.parseList(" b:9000 , [::1]:9001,a:9000 "))
        .containsExactly(
            new Endpoint("b", 9000), new Endpoint("::1", 9001), new Endpoint("a", 9000));
    assertThat(Endpoint.parseList("solo:7")).containsExactly(new Endpoint("solo", 7));
  }

  @Test
  void listIsImmutable() {
    List<Endpoint> list = Endpoint.parseList("h1:1,h2:2");
    assertThatThrownBy(() -> list.add(new Endpoint("h3", 3)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void badListsAreRefused() {
    assertThatThrownBy(() -> Endpoint.parseList(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("list is blank");
    assertThatThrownBy(() -> Endpoint.parseList("h1:1,"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty entry at position 2");
    assertThatThrownBy(() -> Endpoint.parseList("h1:1,,h2:2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty entry at position 2");
    assertThatThrownBy(() -> Endpoint.parseList("h1:1,h2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'h2' is missing a port");
    assertThatThrownBy(() -> Endpoint.parseList("h1:1,h2:2,h1:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names h1:1 twice");
  }
}
