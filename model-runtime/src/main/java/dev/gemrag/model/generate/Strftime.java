package dev.gemrag.model.generate;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code strftime} for the directives chat templates use (dates in system prompts), C
 * locale.
 */
final class Strftime {
    private Strftime() {}

    static String format(String format, ZonedDateTime t) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char d = format.charAt(++i);
            switch (d) {
                case 'd' -> out.append(String.format("%02d", t.getDayOfMonth()));
                case 'm' -> out.append(String.format("%02d", t.getMonthValue()));
                case 'Y' -> out.append(t.getYear());
                case 'y' -> out.append(String.format("%02d", t.getYear() % 100));
                case 'b' -> out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT));
                case 'B' -> out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT));
                case 'a' ->
                        out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT));
                case 'A' ->
                        out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT));
                case 'H' -> out.append(String.format("%02d", t.getHour()));
                case 'M' -> out.append(String.format("%02d", t.getMinute()));
                case 'S' -> out.append(String.format("%02d", t.getSecond()));
                case 'j' -> out.append(String.format("%03d", t.getDayOfYear()));
                case '%' -> out.append('%');
                default ->
                        throw new IllegalArgumentException(
                                "strftime_now: unsupported directive %" + d);
            }
        }
        return out.toString();
    }
}
