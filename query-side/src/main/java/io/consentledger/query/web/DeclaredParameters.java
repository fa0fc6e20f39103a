package io.consentledger.query.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every query endpoint declares its parameters, and a request may send those only: each {@code @RequestParam}, and
 * the components of a record it binds whole (a filter such as {@code AccessParams}). Before the handler runs, a
 * parameter that is not declared, sent twice, or whose name or value holds a control character (or whose name is
 * empty or array-style) is refused with a 400 problem naming it ({@link BadParameter}), so a mistyped filter never
 * silently widens an answer and nothing malformed reaches the binder.
 */
public class DeclaredParameters implements HandlerInterceptor {

    private final Map<HandlerMethod, Set<String>> declared = new ConcurrentHashMap<>();

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        Set<String> allowed = declared.computeIfAbsent(method, DeclaredParameters::declaredBy);
        for (Map.Entry<String, String[]> parameter : readable(request).entrySet()) {
            check(parameter.getKey(), parameter.getValue(), allowed);
        }
        return true;
    }

    /**
     * The request's parameters, or a {@link BadParameter} when they cannot even be read: the firewall refuses a name
     * or value with a control character, and Tomcat an empty name, only when the parameters are first read.
     */
    public static Map<String, String[]> readable(HttpServletRequest request) {
        try {
            return request.getParameterMap();
        } catch (RequestRejectedException | IllegalStateException unreadable) {
            throw new BadParameter(BadParameter.Kind.MALFORMED, UNREADABLE,
                                   "The query string holds a parameter that cannot be read (an empty name, or a "
                                           + "control character in a name or value)");
        }
    }

    /** What {@link BadParameter#parameter()} says when the parameters could not be read at all. */
    public static final String UNREADABLE = "(query string)";

    static void check(String name, String[] values, Set<String> allowed) {
        String shown = Printable.of(name);
        if (name.isEmpty() || Printable.hasControl(name) || name.indexOf('[') >= 0 || name.indexOf(']') >= 0) {
            throw new BadParameter(BadParameter.Kind.MALFORMED, shown,
                                   "Malformed parameter name \"" + shown + "\"");
        }
        if (!allowed.contains(name)) {
            throw new BadParameter(BadParameter.Kind.UNKNOWN, shown, "Unknown parameter \"" + shown
                    + "\"; this endpoint takes " + (allowed.isEmpty() ? "no parameters" : String.join(", ", allowed)));
        }
        if (values.length > 1) {
            throw new BadParameter(BadParameter.Kind.REPEATED, shown, "Parameter \"" + shown + "\" is given more than once");
        }
        for (String value : values) {
            if (Printable.hasControl(value)) {
                throw new BadParameter(BadParameter.Kind.MALFORMED, shown,
                                       "The value of parameter \"" + shown + "\" holds a control character");
            }
        }
    }

    /** The names a handler method takes: its {@code @RequestParam}s and the components of records it binds. */
    static Set<String> declaredBy(HandlerMethod method) {
        Set<String> names = new LinkedHashSet<>();
        for (MethodParameter parameter : method.getMethodParameters()) {
            RequestParam param = AnnotatedElementUtils.findMergedAnnotation(parameter.getParameter(), RequestParam.class);
            if (param != null) {
                names.add(!param.name().isEmpty() ? param.name() : parameter.getParameter().getName());
            } else if (parameter.getParameterType().isRecord() && !parameter.hasParameterAnnotation(PathVariable.class)) {
                Arrays.stream(parameter.getParameterType().getRecordComponents()).map(RecordComponent::getName)
                      .forEach(names::add);
            }
        }
        return Set.copyOf(names);
    }
}
