package io.consentledger.eventstore;

import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.AuthorisationEvidence;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ConsentedLink;
import io.consentledger.contracts.link.BankAccountLinked;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionFacts;
import io.consentledger.contracts.share.TransactionsShared;
import io.consentledger.eventstore.privacy.CustomerErasedException;
import io.consentledger.eventstore.privacy.CustomerKeys;
import io.consentledger.eventstore.privacy.DecryptingUpcaster;
import io.consentledger.eventstore.privacy.MasterKey;
import io.consentledger.eventstore.privacy.PersonalDataCodec;
import io.consentledger.eventstore.privacy.PersonalDataException;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.StoreTest;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.serialization.json.JacksonSerializer;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 16: personal fields are stored encrypted under the customer's key, read back plain through the upcaster
 * chain, read as null once the key is destroyed, and a ciphertext that was altered or moved is reported.
 */
class PersonalDataEncryptionTest extends StoreTest {

    private static final JacksonSerializer SERIALIZER = LedgerSerializers.jackson();
    private static final Instant T = Instant.parse("2026-03-01T09:30:00.123Z");
    private static final String ACCOUNT = "GB29NWBK60161331926819";
    private static final BigDecimal BALANCE = new BigDecimal("98765.43");
    private static final BigDecimal DEBIT = new BigDecimal("-1234.50");

    private String collection;
    private String provider;
    private String customer;
    private CustomerKeys keys;
    private PersonalDataCodec codec;
    private GapAwareMongoEventStorageEngine engine;

    @BeforeEach
    void setUp() {
        collection = freshCollection("privacy_events_");
        provider = "bank-" + UUID.randomUUID().toString().substring(0, 8);
        customer = "cust-" + UUID.randomUUID().toString().substring(0, 8);
        keys = new CustomerKeys(stores.database(), MasterKey.generate(), Clock.systemUTC(), Duration.ofMinutes(5), 1000);
        codec = new PersonalDataCodec(keys, true);
        engine = engine(codec);
    }

    private GapAwareMongoEventStorageEngine engine(PersonalDataCodec codec) {
        return GapAwareMongoEventStorageEngine.builder()
                                              .database(stores.database())
                                              .eventsCollection(collection)
                                              .snapshotsCollection(collection + "_snapshots")
                                              .eventSerializer(SERIALIZER)
                                              .snapshotSerializer(LedgerSerializers.snapshots())
                                              .upcasterChain(new DecryptingUpcaster(codec))
                                              .payloadProtector(io.consentledger.eventstore.spring.LedgerMongoAutoConfiguration.sealing(codec))
                                              .snapshotProtector(new SnapshotProtector() {
                                                  @Override
                                                  public String protect(DomainEventMessage<?> snapshot, String json) {
                                                      return codec.protectSnapshot(snapshot.getIdentifier(),
                                                                                   snapshot.getAggregateIdentifier(),
                                                                                   snapshot.getPayload(), json);
                                                  }

                                                  @Override
                                                  public java.util.Optional<String> reveal(String id, String aggregateId, String json) {
                                                      return codec.revealSnapshot(id, aggregateId, json);
                                                  }
                                              })
                                              .build();
    }

    /** An aggregate as the snapshotter serializes it: private fields, one of them naming its customer. */
    static final class Account {
        @io.consentledger.contracts.privacy.DataSubject
        private String customerId;
        private String providerId;
        private String accountId;
        private List<String> transactionIds;

        Account() {
        }

        Account(String customerId, String providerId, String accountId, List<String> transactionIds) {
            this.customerId = customerId;
            this.providerId = providerId;
            this.accountId = accountId;
            this.transactionIds = transactionIds;
        }
    }

    private String storedSnapshots() {
        return stores.database().getCollection(collection + "_snapshots").find().map(Document::toJson)
                     .into(new java.util.ArrayList<>()).toString();
    }

    @Test
    void snapshotsAreEncryptedWholeUnderTheCustomersKeyAndUnreadableOnceErased() {
        append("account-1", linked());
        engine.storeSnapshot(new GenericDomainEventMessage<>("Account", "account-1", 0,
                                                             new Account(customer, provider, ACCOUNT, List.of("tx-981"))));

        String stored = storedSnapshots();
        assertThat(stored).contains("@personal").doesNotContain(ACCOUNT).doesNotContain("tx-981");
        DomainEventMessage<?> read = engine.readSnapshot("account-1").orElseThrow();
        assertThat(((Account) read.getPayload()).accountId).isEqualTo(ACCOUNT);
        assertThat(((Account) read.getPayload()).transactionIds).containsExactly("tx-981");

        // a snapshot moved to another aggregate does not open: the aggregate loads from its events
        Document snapshot = stores.database().getCollection(collection + "_snapshots").find().first();
        stores.database().getCollection(collection + "_snapshots").insertOne(new Document(snapshot).append("_id", "account-2")
                                                                                                   .append("aggregateId", "account-2"));
        assertThat(engine.readSnapshot("account-2")).isEmpty();

        keys.destroy(provider + "/" + customer);
        assertThat(engine.readSnapshot("account-1")).isEmpty();
        // and no new snapshot of an erased customer is stored
        engine.storeSnapshot(new GenericDomainEventMessage<>("Account", "account-3", 0,
                                                             new Account(customer, provider, null, List.of())));
        assertThat(stores.database().getCollection(collection + "_snapshots").find(new Document("_id", "account-3")).first())
                .isNull();
    }

    @Test
    void withEncryptionOffSnapshotsAreStoredInTheClearAndStillRead() {
        GapAwareMongoEventStorageEngine clear = engine(new PersonalDataCodec(keys, false));
        clear.storeSnapshot(new GenericDomainEventMessage<>("Account", "account-9", 0,
                                                            new Account(customer, provider, ACCOUNT, List.of())));
        assertThat(storedSnapshots()).contains(ACCOUNT);
        assertThat(((Account) engine.readSnapshot("account-9").orElseThrow().getPayload()).accountId).isEqualTo(ACCOUNT);
    }

    private AuthorisationEvidence evidence() {
        return new AuthorisationEvidence("MOBILE_APP", T, "disclosure-v3");
    }

    private BankAccountLinked linked() {
        return new BankAccountLinked("link-1", customer, provider, ACCOUNT, "GBP", evidence(), T);
    }

    private BalanceShared balance() {
        return new BalanceShared("share-1", "consent-1", "link-1", "fintech-1", provider, customer, Scope.BALANCES,
                                 Purpose.BALANCE_CHECK, BALANCE, "GBP", T, new AppliedWindow(T.minusSeconds(86400), T), T);
    }

    private TransactionsShared transactions() {
        return new TransactionsShared("share-2", "consent-1", "link-1", "fintech-1", provider, customer, Scope.TRANSACTIONS,
                                      Purpose.BALANCE_CHECK, List.of("tx-981", "tx-982"), List.of("tx-982"),
                                      new AppliedWindow(T.minusSeconds(86400), T), T,
                                      List.of(new TransactionFacts("tx-981", T.minusSeconds(3600), DEBIT, "GBP", "CARD")));
    }

    private ConsentRequested requested() {
        return new ConsentRequested("consent-1", "fintech-1", customer, provider,
                                    List.of(new ConsentedLink("link-1", customer, provider, ACCOUNT, "GBP")),
                                    Set.of(Scope.BALANCES), Set.of(Scope.BALANCES), Set.of(Purpose.BALANCE_CHECK),
                                    T.plusSeconds(86400), null, null, T);
    }

    private void append(String aggregateId, Object... payloads) {
        List<DomainEventMessage<?>> messages = new java.util.ArrayList<>();
        for (int i = 0; i < payloads.length; i++) {
            messages.add(new GenericDomainEventMessage<>("Test", aggregateId, i, payloads[i]));
        }
        engine.appendEvents(messages);
    }

    private List<Object> read(String aggregateId) {
        return engine.readEvents(aggregateId).asStream().map(DomainEventMessage::getPayload).collect(Collectors.toList());
    }

    private String storedText() {
        return stores.database().getCollection(collection).find().map(Document::toJson).into(new java.util.ArrayList<>())
                     .toString();
    }

    @Test
    void everyKindOfPersonalFieldRoundTrips() {
        append("link-1", linked());
        append("consent-1", requested(), balance(), transactions());

        assertThat(read("link-1")).containsExactly(linked());
        assertThat(read("consent-1")).containsExactly(requested(), balance(), transactions());
        // and through a tracking stream (processors, replays)
        assertThat(engine.readEvents(null, false).<Object>map(TrackedEventMessage::getPayload).toList())
                .containsExactly(linked(), requested(), balance(), transactions());
    }

    @Test
    void theStoreHoldsNoPlaintextPersonalValue() {
        append("link-1", linked());
        append("consent-1", requested(), balance(), transactions());

        String stored = storedText();
        for (String personal : List.of(ACCOUNT, "98765.43", "1234.50", "tx-981", "tx-982", "disclosure-v3", "MOBILE_APP")) {
            assertThat(stored).as(personal).doesNotContain(personal);
        }
        // what proves who saw what stays readable
        for (String proof : List.of("consent-1", "link-1", "fintech-1", provider, customer, "BALANCE_CHECK", "BALANCES")) {
            assertThat(stored).as(proof).contains(proof);
        }
    }

    @Test
    void erasedValuesReadAsNullAndTheRestStays() {
        append("link-1", linked());
        append("consent-1", requested(), balance(), transactions());
        String before = storedText();

        keys.destroy(provider + "/" + customer);

        assertThat(read("link-1")).containsExactly(
                new BankAccountLinked("link-1", customer, provider, null, "GBP", null, T));
        List<Object> consent = read("consent-1");
        assertThat(consent.get(0)).isEqualTo(new ConsentRequested("consent-1", "fintech-1", customer, provider,
                List.of(new ConsentedLink("link-1", customer, provider, null, "GBP")), Set.of(Scope.BALANCES),
                Set.of(Scope.BALANCES), Set.of(Purpose.BALANCE_CHECK), T.plusSeconds(86400), null, null, T));
        BalanceShared balance = (BalanceShared) consent.get(1);
        assertThat(balance.amount()).isNull();
        assertThat(balance).usingRecursiveComparison().ignoringFields("amount").isEqualTo(balance());
        TransactionsShared transactions = (TransactionsShared) consent.get(2);
        assertThat(transactions.transactionIds()).isNull();
        assertThat(transactions.newTransactionIds()).isNull();
        assertThat(transactions.transactions()).isEmpty();
        assertThat(transactions.purpose()).isEqualTo(Purpose.BALANCE_CHECK);
        assertThat(storedText()).as("the stored bytes do not change").isEqualTo(before);
    }

    @Test
    void noKeyIsEverRecreatedForAnErasedCustomer() {
        append("link-1", linked());
        keys.destroy(provider + "/" + customer);

        assertThatThrownBy(() -> append("consent-1", requested())).isInstanceOf(CustomerErasedException.class);
        // a fresh cache (another instance) sees the tombstone too
        CustomerKeys elsewhere = new CustomerKeys(stores.database(), MasterKey.generate(), Clock.systemUTC(), Duration.ofMinutes(5), 10);
        assertThatThrownBy(() -> elsewhere.keyForWrite(provider + "/" + customer)).isInstanceOf(CustomerErasedException.class);
        // a customer never seen before can be erased too, and then gets no key
        String stranger = provider + "/never-seen";
        keys.destroy(stranger);
        assertThatThrownBy(() -> keys.keyForWrite(stranger)).isInstanceOf(CustomerErasedException.class);
    }

    private Document storedPayload(Document commit, int index) {
        return commit.getList("events", Document.class).get(index).get("payload", Document.class);
    }

    private void replace(Document commit) {
        stores.database().getCollection(collection).replaceOne(eq("_id", commit.get("_id")), commit);
    }

    /**
     * Format v2: one envelope per event, after the other fields: every personal value of the event sealed together
     * under one nonce and tag, the ciphertext as BSON binary (not base64 text), each sealed field left null in place.
     */
    @Test
    void anEventsPersonalFieldsAreSealedTogetherInOneBinaryEnvelope() {
        append("consent-1", requested(), transactions());
        Document commit = stores.database().getCollection(collection).find().first();

        Document shared = storedPayload(commit, 1);
        Document envelope = shared.get("@personal", Document.class);
        assertThat(envelope.getString("v")).isEqualTo("v2");
        assertThat(envelope.getString("subject")).isEqualTo(provider + "/" + customer);
        assertThat(envelope.get("data")).isInstanceOf(org.bson.types.Binary.class);
        assertThat(shared.containsKey("transactionIds")).isTrue();
        assertThat(shared.get("transactionIds")).isNull();
        assertThat(shared.get("newTransactionIds")).isNull();
        assertThat(shared.get("transactions")).isNull();
        assertThat(shared.toJson().split("@personal", -1)).as("one envelope").hasSize(2);
        // a personal field nested in a list
        Document requested = storedPayload(commit, 0);
        assertThat(requested.getList("links", Document.class).get(0).get("accountId")).isNull();
        assertThat(requested.getList("links", Document.class).get(0).getString("linkId")).isEqualTo("link-1");
        assertThat(requested.get("@personal", Document.class).get("data")).isInstanceOf(org.bson.types.Binary.class);

        assertThat(read("consent-1")).containsExactly(requested(), transactions());
    }

    @Test
    void aTamperedCiphertextIsReportedNotDropped() {
        append("link-1", linked());
        Document commit = stores.database().getCollection(collection).find().first();
        Document envelope = storedPayload(commit, 0).get("@personal", Document.class);
        byte[] data = envelope.get("data", org.bson.types.Binary.class).getData();
        data[20] ^= 1;
        envelope.put("data", new org.bson.types.Binary(data));
        replace(commit);

        assertThatThrownBy(() -> read("link-1")).isInstanceOf(PersonalDataException.class)
                .hasMessageContaining("personal fields").hasMessageContaining("does not belong here")
                .hasMessageNotContaining(ACCOUNT);
    }

    @Test
    void aCiphertextMovedToAnotherEventIsReported() {
        append("link-1", linked());
        append("link-2", new BankAccountLinked("link-2", customer, provider, "GB00OTHER", "GBP", evidence(), T));
        List<Document> commits = stores.database().getCollection(collection).find().into(new java.util.ArrayList<>());
        // same customer, same key, same fields, another event
        storedPayload(commits.get(1), 0).put("@personal", storedPayload(commits.get(0), 0).get("@personal"));
        replace(commits.get(1));

        assertThatThrownBy(() -> read("link-2")).isInstanceOf(PersonalDataException.class)
                .hasMessageContaining("does not belong here");
    }

    /** The sealed field set is authenticated with the values: a value forged into a sealed field's place is reported. */
    @Test
    void aValueForgedInPlaceOfASealedFieldIsReported() {
        append("link-1", linked());
        Document commit = stores.database().getCollection(collection).find().first();
        storedPayload(commit, 0).put("accountId", "GB00FORGED");
        replace(commit);

        assertThatThrownBy(() -> read("link-1")).isInstanceOf(PersonalDataException.class)
                .hasMessageContaining("field accountId").hasMessageNotContaining("GB00FORGED");
    }

    @Test
    void anEnvelopeRelabelledToAnotherCustomerIsReported() {
        append("link-1", linked());
        String other = provider + "/cust-other";
        keys.keyForWrite(other); // the other customer has a key: the ciphertext still does not open under it
        Document commit = stores.database().getCollection(collection).find().first();
        storedPayload(commit, 0).get("@personal", Document.class).put("subject", other);
        replace(commit);

        assertThatThrownBy(() -> read("link-1")).isInstanceOf(PersonalDataException.class)
                .hasMessageContaining("does not belong here");
    }

    // ------------------------------------------------------------------------------ the processors share an opening

    private List<Object> readAll() {
        return engine.readEvents(null, false).<Object>map(TrackedEventMessage::getPayload).toList();
    }

    @Test
    void processorsReadingTheSameEventOpenItOnce() {
        append("consent-1", balance(), transactions());
        assertThat(readAll()).containsExactly(balance(), transactions());
        long before = codec.sharedOpenings();

        assertThat(readAll()).as("a second processor").containsExactly(balance(), transactions());
        assertThat(codec.sharedOpenings() - before).isEqualTo(2);
    }

    @Test
    void anErasedValueNeverComesBackFromTheSharedOpenings() {
        append("consent-1", balance());
        assertThat(((BalanceShared) readAll().get(0)).amount()).isEqualByComparingTo(BALANCE);

        keys.destroy(provider + "/" + customer);

        assertThat(((BalanceShared) readAll().get(0)).amount()).isNull();
    }

    /** Another instance destroys the key; this one's key cache forgets it (ErasureProjection), and so do its openings. */
    @Test
    void anErasureByAnotherInstanceEndsTheSharedOpeningsWithTheCachedKey() {
        append("consent-1", balance());
        assertThat(((BalanceShared) readAll().get(0)).amount()).isEqualByComparingTo(BALANCE);

        new CustomerKeys(stores.database(), MasterKey.generate(), Clock.systemUTC(), Duration.ofMinutes(5), 10)
                .destroy(provider + "/" + customer);
        keys.evict(provider + "/" + customer);

        assertThat(((BalanceShared) readAll().get(0)).amount()).isNull();
    }

    /** An opening is shared only for the same stored bytes: an event altered after it was read is still reported. */
    @Test
    void aSharedOpeningDoesNotHideAnEventAlteredAfterwards() {
        append("link-1", linked());
        assertThat(readAll()).containsExactly(linked());
        Document commit = stores.database().getCollection(collection).find().first();
        Document envelope = storedPayload(commit, 0).get("@personal", Document.class);
        byte[] data = envelope.get("data", org.bson.types.Binary.class).getData();
        data[data.length - 1] ^= 1;
        envelope.put("data", new org.bson.types.Binary(data));
        replace(commit);

        assertThatThrownBy(this::readAll).isInstanceOf(PersonalDataException.class);
    }

    // ------------------------------------------------------------------------------ events stored in format v1

    /**
     * Events stored in format v1 (one envelope per field, base64 text) before format v2, as the store held them:
     * written by {@code PersonalDataCodec} at {@code ac7d05e} with the data key of {@code bank-v1/cust-v1} wrapped
     * under the master key 0x00..0x1f ({@code src/test/resources/privacy/stored-v1-events.txt}).
     */
    private GapAwareMongoEventStorageEngine storedInVersion1(CustomerKeys v1Keys) throws java.io.IOException {
        String fixture;
        try (var in = getClass().getResourceAsStream("/privacy/stored-v1-events.txt")) {
            fixture = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String events = freshCollection("privacy_v1_events_");
        for (String line : fixture.split("\n")) {
            int space = line.indexOf(' ');
            if (space < 0) {
                continue;
            }
            Document document = Document.parse(line.substring(space + 1));
            switch (line.substring(0, space)) {
                case "KEY" -> stores.database().getCollection(CustomerKeys.COLLECTION).replaceOne(
                        eq("_id", document.get("_id")), document, new com.mongodb.client.model.ReplaceOptions().upsert(true));
                case "COMMIT" -> { // positions are BSON longs; the relaxed JSON of the fixture gives ints
                    document.put("_id", document.get("_id", Number.class).longValue());
                    document.put("positions", document.getList("positions", Number.class).stream().map(Number::longValue).toList());
                    document.getList("events", Document.class).forEach(
                            event -> event.put("sequenceNumber", event.get("sequenceNumber", Number.class).longValue()));
                    stores.database().getCollection(events).insertOne(document);
                }
                case "POS" -> stores.database().getCollection(events + "_positions").insertOne(
                        document.append("value", document.get("value", Number.class).longValue()));
                default -> throw new IllegalStateException(line);
            }
        }
        collection = events;
        return engine(new PersonalDataCodec(v1Keys, true));
    }

    private static CustomerKeys version1Keys() {
        byte[] master = new byte[32];
        for (int i = 0; i < master.length; i++) {
            master[i] = (byte) i;
        }
        return new CustomerKeys(stores.database(), MasterKey.of(master), Clock.systemUTC(), Duration.ofMinutes(5), 10);
    }

    @Test
    void eventsStoredInVersion1StillReadAndEraseToNull() throws Exception {
        CustomerKeys v1Keys = version1Keys();
        GapAwareMongoEventStorageEngine v1 = storedInVersion1(v1Keys);
        Instant t = Instant.parse("2026-03-01T09:30:00.123Z");
        AuthorisationEvidence evidence = new AuthorisationEvidence("MOBILE_APP", t, "disclosure-v3");
        String account = "GB29NWBK60161331926819";

        List<Object> all = v1.readEvents(null, false).<Object>map(TrackedEventMessage::getPayload).toList();
        assertThat(all.get(0)).isEqualTo(new BankAccountLinked("link-v1", "cust-v1", "bank-v1", account, "GBP", evidence, t));
        assertThat(((ConsentRequested) all.get(1)).links().get(0).accountId()).isEqualTo(account);
        TransactionsShared shared = (TransactionsShared) all.get(2);
        assertThat(shared.transactionIds()).containsExactly("tx-981", "tx-982");
        assertThat(shared.newTransactionIds()).containsExactly("tx-982");
        assertThat(shared.transactions()).containsExactly(
                new TransactionFacts("tx-981", t.minusSeconds(3600), new BigDecimal("-1234.50"), "GBP", "CARD"));

        v1Keys.destroy("bank-v1/cust-v1");
        List<Object> erased = v1.readEvents(null, false).<Object>map(TrackedEventMessage::getPayload).toList();
        assertThat(((BankAccountLinked) erased.get(0)).accountId()).isNull();
        assertThat(((BankAccountLinked) erased.get(0)).evidence()).isNull();
        assertThat(((ConsentRequested) erased.get(1)).links().get(0).accountId()).isNull();
        assertThat(((TransactionsShared) erased.get(2)).transactionIds()).isNull();
        assertThat(((TransactionsShared) erased.get(2)).transactions()).isEmpty();
    }

    @Test
    void aVersion1CiphertextTamperedOrMovedIsReported() throws Exception {
        GapAwareMongoEventStorageEngine v1 = storedInVersion1(version1Keys());
        List<Document> commits = stores.database().getCollection(collection).find().into(new java.util.ArrayList<>());

        Document link = commits.get(0);
        Document payload = storedPayload(link, 0);
        payload.put("evidence", payload.get("accountId")); // same event, another field
        replace(link);
        assertThatThrownBy(() -> v1.readEvents("link-v1").asStream().map(DomainEventMessage::getPayload).toList())
                .isInstanceOf(PersonalDataException.class).hasMessageContaining("field evidence");

        Document consent = commits.get(1);
        Document envelope = storedPayload(consent, 1).get("transactionIds", Document.class);
        String data = envelope.getString("data");
        envelope.put("data", data.substring(0, 20) + (data.charAt(20) == 'A' ? 'B' : 'A') + data.substring(21));
        replace(consent);
        assertThatThrownBy(() -> v1.readEvents("consent-v1").asStream().map(DomainEventMessage::getPayload).toList())
                .isInstanceOf(PersonalDataException.class).hasMessageContaining("field transactionIds");
    }

    @Test
    void eventsStoredInTheClearBeforeEncryptionStillRead() {
        GapAwareMongoEventStorageEngine before = GapAwareMongoEventStorageEngine.builder()
                .database(stores.database()).eventsCollection(collection).snapshotsCollection(collection + "_snapshots")
                .eventSerializer(SERIALIZER).snapshotSerializer(SERIALIZER).build();
        before.appendEvents(new GenericDomainEventMessage<>("Test", "link-1", 0, linked()));
        assertThat(storedText()).contains(ACCOUNT);

        assertThat(read("link-1")).containsExactly(linked());
    }

    @Test
    void withEncryptionOffNewEventsAreStoredInTheClearAndEncryptedOnesStillRead() {
        append("link-1", linked());
        GapAwareMongoEventStorageEngine off = engine(new PersonalDataCodec(keys, false));
        off.appendEvents(new GenericDomainEventMessage<>("Test", "link-2", 0,
                new BankAccountLinked("link-2", customer, provider, "GB00CLEAR", "GBP", evidence(), T)));
        assertThat(storedText()).contains("GB00CLEAR").doesNotContain(ACCOUNT);
        assertThat(off.readEvents("link-1").asStream().<Object>map(DomainEventMessage::getPayload).toList()).containsExactly(linked());
    }

    @Test
    void aDataKeyDoesNotUnwrapUnderAnotherMasterKey() {
        append("link-1", linked());
        CustomerKeys otherMaster = new CustomerKeys(stores.database(), MasterKey.generate(), Clock.systemUTC(), Duration.ofMinutes(5), 10);
        GapAwareMongoEventStorageEngine wrong = engine(new PersonalDataCodec(otherMaster, true));
        assertThatThrownBy(() -> wrong.readEvents("link-1").asStream().map(DomainEventMessage::getPayload).toList()).isInstanceOf(PersonalDataException.class)
                .hasMessageContaining("master key");
    }

    /**
     * A processor parks the event as it read it, decrypted: axon-mongo's own converter would store the personal values
     * in the clear. The ledger's converter seals them as the event store does, opens them for a retry, and gives null
     * once the customer's key is destroyed.
     */
    @Test
    void deadLettersHoldThePersonalFieldsEncryptedAndOpenThemForARetry() {
        append("consent-1", balance());
        org.axonframework.eventhandling.EventMessage<?> parked = engine.readEvents(null, false).findFirst().orElseThrow();
        var configuration = org.axonframework.extensions.mongo.eventsourcing.eventstore.documentperevent.EventEntryConfiguration.getDefault();
        String asAxonStoresIt = new org.axonframework.extensions.mongo.eventhandling.deadletter.EventMessageDeadLetterMongoConverter()
                .convert(parked, SERIALIZER).asDocument(configuration).toString();
        assertThat(asAxonStoresIt).contains(BALANCE.toPlainString());

        var converter = new io.consentledger.eventstore.privacy.ProtectedDeadLetterConverter(codec);
        var entry = converter.convert(parked, SERIALIZER);
        assertThat(entry.asDocument(configuration).toString()).contains("@personal").doesNotContain(BALANCE.toPlainString());
        assertThat(converter.convert(entry, SERIALIZER).getPayload()).isEqualTo(balance());

        keys.destroy(provider + "/" + customer);
        assertThat(((BalanceShared) converter.convert(entry, SERIALIZER).getPayload()).amount()).isNull();
    }
}
