package io.paxos.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * Reading fields of one cluster file's tree, with errors that name the file and the field ({@code
 * local-3.yaml: members[1].roles: unknown role 'leader'; ...}). Not thread-safe; one per load.
 */
final class Fields {
  private final Path path;

  Fields(Path path) {
    this.path = path;
  }

  ConfigException error(String field, String problem) {
    return new ConfigException(path + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
  }

  ConfigException unknown(String field, List<String> known) {
    return error(field, "unknown field; the fields here are " + String.join(", ", known));
  }

  /** Refuse any field of {@code object} that is not in {@code known}. */
  void known(JsonNode object, String prefix, List<String> known) {
    object
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                throw unknown(prefix + name, known);
              }
            });
  }

  /** A scalar (text, number or boolean) as text. */
  ClusterFile.FileValue scalar(JsonNode node, String field) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      throw error(field, "has no value; give one or leave the field out");
    }
    if (!node.isValueNode()) {
      throw error(field, "must be a single value, not a " + (node.isArray() ? "list" : "mapping"));
    }
    return new ClusterFile.FileValue(node.asText(), field);
  }

  /** The required text field {@code name} of {@code object}. */
  String text(JsonNode object, String name, String field) {
    JsonNode node = object.get(name);
    if (node == null) {
      throw error(field, "is missing");
    }
    return scalar(node, field).text();
  }

  /** An integer from {@code min} to {@code max}, written as a number. */
  int integer(JsonNode node, String field, int min, int max) {
    String text = scalar(node, field).text().strip();
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw error(field, "'" + text + "' is not a whole number");
    }
    if (value < min || value > max) {
      throw error(field, value + " is out of range; give " + min + " to " + max);
    }
    return (int) value;
  }
}
