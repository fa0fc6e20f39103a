package io.consentledger.security;

/**
 * The header names and values Spring Security's {@code StrictHttpFirewall} lets through, decided by a loop over the
 * code points instead of its regular expressions ({@code [\p{IsAssigned}&&[^\p{IsControl}]]*} for names,
 * {@code [\p{IsAssigned}&&[[^\p{IsControl}]||\t]]*} for values), which it matched on every {@code getHeader} of every
 * request (issue 17's profile: a matcher per call, several calls per request). The same answers:
 * {@code HeaderCharactersTest} compares them with those expressions on every code point.
 */
public final class HeaderCharacters {

    private HeaderCharacters() {
    }

    /** Every code point assigned and not a control character. */
    public static boolean allowedName(String name) {
        return allowed(name, false);
    }

    /** Every code point assigned and not a control character, except that a tab is allowed. */
    public static boolean allowedValue(String value) {
        return allowed(value, true);
    }

    private static boolean allowed(String s, boolean tab) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.UNASSIGNED || type == Character.CONTROL && !(tab && cp == '\t')) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }
}
