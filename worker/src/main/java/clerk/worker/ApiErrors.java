package clerk.worker;

import clerk.activities.UnavailableException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * What the {@code /v1/…} endpoints answer when they cannot: a JSON object {@code {"error": …}}, 503
 * when the database cannot be reached (the dashboard and {@code clerk health} say so and try again),
 * 500 for anything else. Never a stack trace.
 */
@RestControllerAdvice(assignableTypes = {DashboardController.class, ReconciliationStatusController.class})
public class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  @ExceptionHandler(RuntimeException.class)
  public ResponseEntity<Map<String, String>> failed(RuntimeException e) {
    if (UnavailableException.isDatabaseUnreachable(e)) {
      log.debug("request failed, database unreachable: {}", e.getMessage());
      return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
          .body(Map.of("error", "database unavailable: " + e.getMessage()));
    }
    log.warn("request failed", e);
    return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
        .body(Map.of("error", String.valueOf(e.getMessage())));
  }
}
