package io.wharf.registry.auth;

/** Robot account names as Harbor writes them: {@code robot$<project>+<name>}. */
public final class RobotNames {

    public static final String PREFIX = "robot$";

    private RobotNames() {
    }

    public static String of(String project, String name) {
        return PREFIX + project + "+" + name;
    }

    public static boolean isRobot(String username) {
        return username.startsWith(PREFIX);
    }

    /** {@code [project, name]} of a robot account name, or null when it is not one. */
    public static String[] parse(String username) {
        if (!isRobot(username)) {
            return null;
        }
        String rest = username.substring(PREFIX.length());
        int plus = rest.indexOf('+');
        if (plus <= 0 || plus == rest.length() - 1) {
            return null;
        }
        return new String[] {rest.substring(0, plus), rest.substring(plus + 1)};
    }
}
