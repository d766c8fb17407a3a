package org.melforge.eval.report;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Escaping of text for HTML, and of scripts and JSON for a {@code <script>} element. */
final class Html {

  private static final Pattern SCRIPT_CLOSE =
      Pattern.compile("</(script)", Pattern.CASE_INSENSITIVE);

  private Html() {}

  /** {@code s} as HTML text or a double-quoted attribute value; null as the empty string. */
  static String text(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * JavaScript source safe inside a {@code <script>} element: {@code </script} and {@code <!--},
   * which would end the element or change how the HTML parser reads it, become {@code <\/script}
   * and {@code <\!--} (the same string or regex inside JavaScript).
   */
  static String script(String js) {
    String s = SCRIPT_CLOSE.matcher(js).replaceAll(Matcher.quoteReplacement("<\\/") + "$1");
    return s.replace("<!--", "<\\!--");
  }

  /**
   * JSON text safe inside a {@code <script>} element: {@code <}, {@code >} and {@code &} (which
   * only occur inside JSON strings) become Unicode escapes, as do the line separators U+2028 and
   * U+2029.
   */
  static String json(String json) {
    StringBuilder out = new StringBuilder(json.length() + 64);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
