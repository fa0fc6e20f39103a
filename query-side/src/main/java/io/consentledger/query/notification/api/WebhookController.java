package io.consentledger.query.notification.api;

import io.consentledger.query.notification.Subscriber;
import io.consentledger.query.notification.delivery.Delivery;
import io.consentledger.query.notification.delivery.DeliveryAttempt;
import io.consentledger.query.notification.delivery.RegisteredWebhook;
import io.consentledger.query.notification.delivery.WebhookService;
import io.consentledger.query.notification.delivery.WebhookView;
import io.consentledger.query.web.QueryProblems;
import io.consentledger.security.Caller;
import io.consentledger.security.Callers;
import io.consentledger.security.Party;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Optional;

/**
 * {@code /api/v1/webhooks}: a provider or recipient registers, lists, reads, deletes, tests and rotates its own
 * webhooks, reads their delivery logs and retries a given-up delivery; another party's webhook id is answered 404
 * like an unknown one. An auditor reads every webhook and delivery log (never a secret) and changes nothing: it can
 * show that a recipient was told of a revocation, and when. Operators see none of it (security rules).
 */
@RestController
@RequestMapping("/api/v1/webhooks")
public class WebhookController extends NotificationProblems {

    private static final int MAX_LOG = 500;

    private final WebhookService webhooks;

    public WebhookController(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @PostMapping
    public ResponseEntity<RegisteredWebhook> register(@RequestBody WebhookBodies.Register body) {
        RegisteredWebhook registered = webhooks.register(subscriber(), body.url(), body.events());
        return ResponseEntity.status(HttpStatus.CREATED)
                .header("Location", "/api/v1/webhooks/" + registered.webhookId())
                .header("Cache-Control", "no-store")
                .body(registered);
    }

    /**
     * The caller's webhooks. An auditor names the subscriber ({@code ?subscriber=RECIPIENT:messenger}); a provider or
     * recipient naming another party gets an empty list.
     */
    @GetMapping
    public List<WebhookView> list(@RequestParam(required = false) String subscriber) {
        Caller caller = Callers.required();
        if (caller.is(Party.AUDITOR)) {
            if (subscriber == null) {
                throw new IllegalArgumentException("An auditor names the subscriber: ?subscriber=RECIPIENT:<id> or "
                        + "?subscriber=PROVIDER:<id>");
            }
            return webhooks.listAny(parse(subscriber));
        }
        Subscriber own = subscriber();
        if (subscriber != null && !subscriber.equals(own.key())) {
            return List.of();
        }
        return webhooks.list(own);
    }

    @GetMapping("/{webhookId}")
    public WebhookView get(@PathVariable String webhookId) {
        Optional<WebhookView> found = auditor() ? webhooks.getAny(webhookId) : webhooks.get(subscriber(), webhookId);
        return found.orElseThrow(() -> notFound(webhookId));
    }

    @DeleteMapping("/{webhookId}")
    public ResponseEntity<Void> delete(@PathVariable String webhookId) {
        if (!webhooks.delete(subscriber(), webhookId)) {
            throw notFound(webhookId);
        }
        return ResponseEntity.noContent().build();
    }

    /** A new secret, shown this once; the old one keeps signing beside it for 24 hours. */
    @PostMapping("/{webhookId}/rotate-secret")
    public ResponseEntity<RegisteredWebhook> rotateSecret(@PathVariable String webhookId) {
        return webhooks.rotateSecret(subscriber(), webhookId)
                .map(r -> ResponseEntity.ok().header("Cache-Control", "no-store").body(r))
                .orElseThrow(() -> notFound(webhookId));
    }

    /** Queues a {@code webhook.ping} to the webhook; 202, the delivery is in its log once attempted. */
    @PostMapping("/{webhookId}/test")
    public ResponseEntity<WebhookBodies.TestSent> test(@PathVariable String webhookId) {
        String deliveryId = webhooks.sendTest(subscriber(), webhookId).orElseThrow(() -> notFound(webhookId));
        return ResponseEntity.accepted().body(new WebhookBodies.TestSent(webhookId,
                WebhookBodies.eventIdOf(deliveryId), deliveryId));
    }

    /** The webhook's delivery log, newest attempt first. */
    @GetMapping("/{webhookId}/deliveries")
    public WebhookBodies.DeliveryLog deliveries(@PathVariable String webhookId,
                                                @RequestParam(defaultValue = "100") int limit) {
        int size = limit(limit, MAX_LOG);
        Optional<List<DeliveryAttempt>> log = auditor() ? webhooks.deliveryLogAny(webhookId, size)
                : webhooks.deliveryLog(subscriber(), webhookId, size);
        return log.map(attempts -> new WebhookBodies.DeliveryLog(webhookId,
                attempts.stream().map(WebhookBodies.Attempt::of).toList())).orElseThrow(() -> notFound(webhookId));
    }

    /** One delivery, named by the id of the event it notifies. */
    @GetMapping("/{webhookId}/deliveries/{deliveryId}")
    public WebhookBodies.DeliveryState delivery(@PathVariable String webhookId, @PathVariable String deliveryId) {
        String id = Delivery.idOf(deliveryId, webhookId);
        Optional<Delivery> found = auditor() ? webhooks.deliveryAny(webhookId, id)
                : webhooks.delivery(subscriber(), webhookId, id);
        return found.map(WebhookBodies.DeliveryState::of)
                .orElseThrow(() -> new QueryProblems.NotFound("No delivery " + deliveryId + " of webhook " + webhookId));
    }

    /** Sends a given-up delivery again, with a fresh set of attempts; 202. */
    @PostMapping("/{webhookId}/deliveries/{deliveryId}/retry")
    public ResponseEntity<WebhookBodies.DeliveryState> retry(@PathVariable String webhookId,
                                                             @PathVariable String deliveryId) {
        Subscriber owner = subscriber();
        String id = Delivery.idOf(deliveryId, webhookId);
        Delivery delivery = webhooks.delivery(owner, webhookId, id)
                .orElseThrow(() -> new QueryProblems.NotFound("No delivery " + deliveryId + " of webhook " + webhookId));
        if (!webhooks.retry(owner, webhookId, id)) {
            throw new NotRetryable("Only a delivery that was given up can be retried; this one is "
                    + delivery.state() + ".");
        }
        return ResponseEntity.accepted().body(webhooks.delivery(owner, webhookId, id)
                .map(WebhookBodies.DeliveryState::of).orElseThrow());
    }

    private static boolean auditor() {
        return Callers.required().is(Party.AUDITOR);
    }

    private static Subscriber parse(String key) {
        try {
            return Subscriber.parse(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("subscriber is PROVIDER:<id> or RECIPIENT:<id>");
        }
    }

    private static QueryProblems.NotFound notFound(String webhookId) {
        return new QueryProblems.NotFound("No webhook " + webhookId);
    }
}
