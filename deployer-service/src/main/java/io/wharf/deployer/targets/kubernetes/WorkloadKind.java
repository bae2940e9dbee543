package io.wharf.deployer.targets.kubernetes;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The workload kinds the Kubernetes target updates, written in rules as Kubernetes spells them. */
public enum WorkloadKind {
    DEPLOYMENT("Deployment"),
    STATEFUL_SET("StatefulSet"),
    DAEMON_SET("DaemonSet");

    private final String label;

    WorkloadKind(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    /** Reads {@code Deployment}, {@code StatefulSet} or {@code DaemonSet} (any case). */
    @JsonCreator
    public static WorkloadKind of(String value) {
        return Arrays.stream(values()).filter(k -> k.label.equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("workload must be one of "
                        + Arrays.stream(values()).map(WorkloadKind::label).collect(Collectors.joining(", "))
                        + ", not '" + value + "'"));
    }
}
