package io.paxos.examples.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CrossMemberOriginsTest {
  private final CrossMemberOrigins origins =
      new CrossMemberOrigins(List.of("127.0.0.1:8081", "10.0.0.2:8082"));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:8081",
        "http://localhost:8081",
        "http://[::1]:8081",
        "http://10.0.0.2:8082",
        "http://LOCALHOST:8081"
      })
  void membersOwnOriginsMayCallTheApi(String origin) {
    assertThat(origins.allows(origin)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:8082", // a port no loopback member serves
        "http://10.0.0.2:8081",
        "http://localhost:8082",
        "https://127.0.0.1:8081", // another scheme is another origin
        "http://127.0.0.1", // no port
        "http://127.0.0.1:8081/path",
        "http://evil.example:8081",
        "null", // sandboxed frames and file: pages
        "",
        "http://127.0.0.1:-1",
        "http://127.0.0.1:99999999999",
        "not a uri at all \u0000"
      })
  void anyOtherOriginMayNot(String origin) {
    assertThat(origins.allows(origin)).isFalse();
  }
}
