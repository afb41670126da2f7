package dev.sediment.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds which Sediment and Kafka types a Java source file refers to: its imports and any fully qualified name in
 * its code, with comments and string literals left out (a javadoc link is not a dependency). Plain text
 * reading, no compiler: enough for a layering rule, and it runs on a synthetic source in a test.
 */
final class ImportScan {
    /** A reference from {@code fromPackage} (in {@code file}, at {@code line}) to the qualified name {@code target}. */
    record Reference(String file, int line, String fromPackage, String target) {
        /** The package part of the target: the name up to its first capitalized segment. */
        String targetPackage() {
            String[] parts = target.split("\\.");
            StringBuilder sb = new StringBuilder();
            for (String p : parts) {
                if (p.isEmpty() || Character.isUpperCase(p.charAt(0)) || p.equals("*")) {
                    break;
                }
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(p);
            }
            return sb.toString();
        }

        @Override
        public String toString() {
            return file + ":" + line + " (" + fromPackage + ") -> " + target;
        }
    }

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern QUALIFIED =
            Pattern.compile("\\b(?:dev\\.sediment|org\\.apache\\.kafka)(?:\\.\\w+)+(?:\\.\\*)?");

    private ImportScan() {
    }

    /** References to {@code dev.sediment} and {@code org.apache.kafka} names in one source file. */
    static List<Reference> scan(String fileName, String source) {
        String code = withoutCommentsAndStrings(source);
        Matcher pm = PACKAGE.matcher(code);
        String pkg = pm.find() ? pm.group(1) : "";
        int bodyFrom = pm.find(0) ? pm.end() : 0;
        List<Reference> refs = new ArrayList<>();
        Matcher m = QUALIFIED.matcher(code);
        while (m.find()) {
            if (m.start() < bodyFrom) {
                continue; // the package declaration itself
            }
            refs.add(new Reference(fileName, lineOf(code, m.start()), pkg, upToType(m.group())));
        }
        return refs;
    }

    /** References in every .java file under {@code root}. */
    static List<Reference> scanTree(Path root) {
        List<Reference> refs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                refs.addAll(scan(root.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan " + root, e);
        }
        return refs;
    }

    /** "a.b.Type.member" → "a.b.Type": what is referred to is the type (or a package, for "a.b.*"). */
    private static String upToType(String name) {
        String[] parts = name.split("\\.");
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(p);
            if (Character.isUpperCase(p.charAt(0))) {
                break;
            }
        }
        return sb.toString();
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Blanks comments, string, text-block and char literals, keeping newlines so line numbers hold. */
    static String withoutCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
                blank(s, i, end, out);
                i = end;
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                end = end < 0 ? s.length() : end + 3;
                blank(s, i, end, out);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                int end = Math.min(s.length(), j + 1);
                blank(s, i, end, out);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(String s, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            out.append(s.charAt(k) == '\n' ? '\n' : ' ');
        }
    }
}
