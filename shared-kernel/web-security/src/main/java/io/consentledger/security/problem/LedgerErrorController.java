package io.consentledger.security.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.stereotype.Controller;

/**
 * The container's error page (replacing Spring Boot's, whose body is not a problem): every error the servlet
 * container dispatches here, for any method (TRACE refused by Tomcat included), is answered as a problem with our
 * type and code for its status. Names no exception and no class.
 */
@Controller
@RequestMapping("${server.error.path:${error.path:/error}}")
public class LedgerErrorController implements ErrorController {

    @RequestMapping
    public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatusCode status = HttpStatusCode.valueOf(code instanceof Integer value && value >= 400 && value < 600 ? value : 500);
        HttpStatus known = HttpStatus.resolve(status.value());
        String title = known == null ? "Error" : known.getReasonPhrase();
        String detail = switch (status.value()) {
            case 400 -> "The request could not be read";
            case 405 -> "This method is not allowed here";
            case 500 -> "The request could not be processed";
            default -> title;
        };
        return Problems.response(status, Problems.slugOf(status), title, detail);
    }
}
