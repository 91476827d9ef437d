package clerk.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The worker's OpenAPI document (static/v1/openapi.json), used to check JSON against its schemas: every
 * field the schema names and no other, in the types and enum values (stage spellings) it gives.
 */
final class ApiSchema {
  private final JsonNode document;

  ApiSchema(JsonNode document) {
    this.document = document;
  }

  JsonNode document() {
    return document;
  }

  /** Where {@code value} differs from the component schema {@code name}; empty when it conforms. */
  List<String> problems(JsonNode value, String name) {
    List<String> out = new ArrayList<>();
    check(value, schema(name), name, out);
    return out;
  }

  /** Every property name of every component schema. */
  Set<String> propertyNames() {
    Set<String> out = new HashSet<>();
    collect(document.path("components").path("schemas"), out);
    return out;
  }

  private static void collect(JsonNode node, Set<String> out) {
    if (node.isObject()) {
      node.path("properties").fieldNames().forEachRemaining(out::add);
      node.forEach(child -> collect(child, out));
    } else if (node.isArray()) {
      node.forEach(child -> collect(child, out));
    }
  }

  private JsonNode schema(String name) {
    JsonNode s = document.path("components").path("schemas").path(name);
    if (s.isMissingNode()) {
      throw new IllegalArgumentException("no schema " + name);
    }
    return s;
  }

  private void check(JsonNode value, JsonNode schema, String where, List<String> out) {
    if (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      check(value, schema(ref.substring(ref.lastIndexOf('/') + 1)), where, out);
      return;
    }
    if (schema.has("oneOf")) {
      List<String> best = null;
      for (JsonNode alternative : schema.get("oneOf")) {
        List<String> these = new ArrayList<>();
        check(value, alternative, where, these);
        if (these.isEmpty()) {
          return;
        }
        best = best == null || these.size() < best.size() ? these : best;
      }
      out.addAll(best);
      return;
    }
    if (schema.has("type") && !typeMatches(value, schema.get("type"))) {
      out.add(where + ": " + type(value) + " where the schema says " + schema.get("type"));
      return;
    }
    if (value.isNull()) {
      return;
    }
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode allowed : schema.get("enum")) {
        listed |= allowed.equals(value);
      }
      if (!listed) {
        out.add(where + ": " + value + " is not one of " + schema.get("enum"));
      }
    }
    if (value.isObject() && schema.has("properties")) {
      JsonNode properties = schema.get("properties");
      for (JsonNode required : schema.path("required")) {
        if (!value.has(required.asText())) {
          out.add(where + ": no field " + required.asText());
        }
      }
      for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
        String field = names.next();
        if (!properties.has(field)) {
          out.add(where + ": field " + field + " is not in the schema");
        } else {
          check(value.get(field), properties.get(field), where + "." + field, out);
        }
      }
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        check(value.get(i), schema.get("items"), where + "[" + i + "]", out);
      }
    }
  }

  private static boolean typeMatches(JsonNode value, JsonNode type) {
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (typeMatches(value, t)) {
          return true;
        }
      }
      return false;
    }
    String t = type.asText();
    return t.equals(type(value)) || (t.equals("number") && value.isNumber());
  }

  private static String type(JsonNode value) {
    if (value.isNull()) {
      return "null";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    return value.isTextual() ? "string" : value.isBoolean() ? "boolean" : value.isArray() ? "array" : "object";
  }
}
