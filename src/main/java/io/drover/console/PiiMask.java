package io.drover.console;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Emails and phone numbers masked in what the console shows ({@code drover.console.mask-pii}): in every text of an
 * answer, JSON texts inside texts included (a request body). An email keeps its first letter and its domain
 * ({@code j***@example.com}); a phone number (a {@code +} and 8 to 15 digits, or the value of a field named like a
 * phone) keeps its last two digits. Hashes (hex) and ids are left alone.
 */
final class PiiMask {

    private static final Pattern EMAIL = Pattern.compile("([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\\.[A-Za-z]{2,})");
    private static final Pattern PHONE = Pattern.compile("\\+\\d[\\d .()-]{6,18}\\d");
    /** A phone in a JSON text: {@code "phone":"0612345678"}. */
    private static final Pattern PHONE_FIELD = Pattern.compile("(?i)(\"[a-z_]*phone[a-z_]*\"\\s*:\\s*\")([^\"]{4,})\"");

    private PiiMask() {
    }

    /** Masks in place and returns the node. */
    static JsonNode apply(JsonNode node) {
        if (node instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                JsonNode v = f.getValue();
                if (v.isTextual()) {
                    String key = f.getKey().toLowerCase(java.util.Locale.ROOT);
                    f.setValue(new TextNode(key.contains("phone") ? phone(v.textValue()) : text(v.textValue())));
                } else {
                    apply(v);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isTextual()) {
                    a.set(i, new TextNode(text(a.get(i).textValue())));
                } else {
                    apply(a.get(i));
                }
            }
        }
        return node;
    }

    static String text(String s) {
        if (s == null || s.length() < 6) {
            return s;
        }
        String out = EMAIL.matcher(s).replaceAll("$1***@$2");
        Matcher m = PHONE.matcher(out);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(phone(m.group())));
        }
        m.appendTail(b);
        out = b.toString();
        Matcher f = PHONE_FIELD.matcher(out);
        b = new StringBuilder();
        while (f.find()) {
            f.appendReplacement(b, Matcher.quoteReplacement(f.group(1) + phone(f.group(2)) + "\""));
        }
        f.appendTail(b);
        return b.toString();
    }

    /** A phone number with its last two digits: {@code +•••••••89}. A 64-character hex hash stays as it is. */
    static String phone(String s) {
        if (s == null || s.matches("[0-9a-f]{32,}") || s.contains("***")) {
            return s;
        }
        String digits = s.replaceAll("\\D", "");
        if (digits.length() < 4) {
            return s;
        }
        return "***" + digits.substring(digits.length() - 2);
    }
}
