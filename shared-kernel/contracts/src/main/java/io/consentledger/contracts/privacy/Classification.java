package io.consentledger.contracts.privacy;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Reads the classification of an event's fields; no infrastructure, plain reflection over record components. */
public final class Classification {

    /**
     * The id of a data subject, the customer {@code customerId} of provider {@code providerId}: {@code
     * providerId/customerId}. No ledger id holds a '/' ({@code Checks.ID_PATTERN}), so it never names a consent or link.
     */
    public static String subjectId(String providerId, String customerId) {
        return providerId + "/" + customerId;
    }

    /** How one field is classified. */
    public enum Kind { PERSONAL, NOT_PERSONAL, DATA_SUBJECT, PARTLY_PERSONAL }

    private Classification() {
    }

    /** The field's classification, or empty when it carries none (or more than one). */
    public static Optional<Kind> of(RecordComponent component) {
        List<Kind> kinds = new ArrayList<>(1);
        if (component.isAnnotationPresent(Personal.class)) {
            kinds.add(Kind.PERSONAL);
        }
        if (component.isAnnotationPresent(NotPersonal.class)) {
            kinds.add(Kind.NOT_PERSONAL);
        }
        if (component.isAnnotationPresent(DataSubject.class)) {
            kinds.add(Kind.DATA_SUBJECT);
        }
        if (component.isAnnotationPresent(PartlyPersonal.class)) {
            kinds.add(Kind.PARTLY_PERSONAL);
        }
        return kinds.size() == 1 ? Optional.of(kinds.get(0)) : Optional.empty();
    }

    /**
     * The record type a {@link PartlyPersonal} field holds: the field's own type, or the element type of a list or
     * set. Empty when it is neither a record nor a collection of records.
     */
    public static Optional<Class<?>> nestedRecord(RecordComponent component) {
        Class<?> type = component.getType();
        if (type.isRecord()) {
            return Optional.of(type);
        }
        if (Collection.class.isAssignableFrom(type) && component.getGenericType() instanceof ParameterizedType p) {
            Type element = p.getActualTypeArguments()[0];
            if (element instanceof Class<?> c && c.isRecord()) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * Every problem with the classification of {@code event}, as {@code Type.field: problem}; empty when every field,
     * nested ones included, is classified exactly once and personal fields have one data subject.
     */
    public static List<String> problems(Class<?> event) {
        List<String> problems = new ArrayList<>();
        if (!event.isRecord()) {
            problems.add(event.getName() + ": an event must be a record");
            return problems;
        }
        boolean personal = collect(event, event.getSimpleName(), problems);
        long subjects = java.util.Arrays.stream(event.getRecordComponents())
                                        .filter(c -> of(c).orElse(null) == Kind.DATA_SUBJECT).count();
        if (subjects > 1) {
            problems.add(event.getSimpleName() + ": more than one @DataSubject");
        }
        if (personal && subjects == 0) {
            problems.add(event.getSimpleName() + ": has personal fields but no @DataSubject");
        }
        return problems;
    }

    private static boolean collect(Class<?> record, String path, List<String> problems) {
        boolean personal = false;
        for (RecordComponent component : record.getRecordComponents()) {
            String where = path + "." + component.getName();
            Optional<Kind> kind = of(component);
            if (kind.isEmpty()) {
                problems.add(where + ": not classified (exactly one of @Personal, @NotPersonal, @DataSubject, @PartlyPersonal)");
                continue;
            }
            switch (kind.get()) {
                case PERSONAL -> personal = true;
                case DATA_SUBJECT -> {
                    if (component.getType() != String.class) {
                        problems.add(where + ": a @DataSubject is a String");
                    }
                    String provider = component.getAnnotation(DataSubject.class).provider();
                    if (java.util.Arrays.stream(record.getRecordComponents()).noneMatch(c -> c.getName().equals(provider)
                            && c.getType() == String.class)) {
                        problems.add(where + ": the @DataSubject's provider component '" + provider + "' is missing");
                    }
                }
                case PARTLY_PERSONAL -> {
                    Optional<Class<?>> nested = nestedRecord(component);
                    if (nested.isEmpty()) {
                        problems.add(where + ": @PartlyPersonal needs a record or a collection of records");
                    } else {
                        personal |= collect(nested.get(), where, problems);
                    }
                }
                default -> {
                }
            }
        }
        return personal;
    }
}
