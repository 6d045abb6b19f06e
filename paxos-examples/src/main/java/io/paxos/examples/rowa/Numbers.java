package io.paxos.examples.rowa;

/** Parsing the numbers of the store protocol: plain decimal, no sign, no leading zero. */
final class Numbers {
  private Numbers() {}

  /**
   * A slot: 1 to 2^63-1.
   *
   * @throws IllegalArgumentException with a message for an ERR line otherwise
   */
  static long slot(String text) {
    long slot;
    try {
      slot = nonNegative(text, "slot");
    } catch (IllegalArgumentException e) {
      slot = 0;
    }
    if (slot < 1) {
      throw new IllegalArgumentException("slot must be 1 to 2^63-1, not " + cut(text));
    }
    return slot;
  }

  /**
   * 0 to 2^63-1 in plain decimal.
   *
   * @throws IllegalArgumentException with a message for an ERR line otherwise
   */
  static long nonNegative(String text, String what) {
    if (text.isEmpty()
        || text.length() > 19
        || (text.length() > 1 && text.charAt(0) == '0')
        || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          what + " must be a number from 0 to 2^63-1, not " + cut(text));
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          what + " must be a number from 0 to 2^63-1, not " + cut(text));
    }
  }

  /** {@code text}, cut to 40 characters for an error message. */
  static String cut(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
