package io.sluice.interop;

import io.pravega.client.EventStreamClientFactory;
import io.pravega.client.admin.ReaderGroupManager;
import io.pravega.client.admin.StreamManager;
import io.pravega.client.stream.EventStreamWriter;
import io.pravega.client.stream.EventWriterConfig;
import io.pravega.client.stream.Transaction;
import io.pravega.client.stream.TransactionalEventStreamWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.interop.Interop.CLIENT;
import static io.sluice.interop.Interop.UTF8;
import static io.sluice.interop.Interop.readAll;
import static io.sluice.interop.Interop.readerGroup;
import static io.sluice.interop.Interop.scopeWithStream;
import static io.sluice.interop.Interop.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EventStreamWriter with routing keys, and exactly-once delivery across a lost client. */
@Timeout(180)
class EventWriterTest {
    static final int EVENTS = 10_000;
    static final int KEYS = 41;

    @Test
    void routingKeysKeepPerKeyOrder() throws Exception {
        try (StreamManager mgr = StreamManager.create(CLIENT)) {
            String scope = scopeWithStream(mgr, "j-writer", "events", 4);
            try (EventStreamClientFactory f = EventStreamClientFactory.withScope(scope, CLIENT);
                 ReaderGroupManager rgm = ReaderGroupManager.withScope(scope, CLIENT)) {
                List<String> sent = new ArrayList<>();
                try (EventStreamWriter<String> w = f.createEventWriter("events", UTF8,
                        EventWriterConfig.builder().build())) {
                    List<CompletableFuture<Void>> acks = new ArrayList<>();
                    for (int i = 0; i < EVENTS; i++) {
                        String key = "key-" + (i % KEYS);
                        String ev = key + ":" + i;
                        acks.add(w.writeEvent(key, ev));
                        sent.add(ev);
                    }
                    // A batch under one routing key is appended atomically.
                    acks.add(w.writeEvents("batch", List.of("batch:0", "batch:1", "batch:2")));
                    sent.addAll(List.of("batch:0", "batch:1", "batch:2"));
                    w.flush();
                    CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).get();
                }
                String group = unique("rg");
                readerGroup(rgm, group, scope, "events");
                List<String> got = readAll(f, group, sent.size(), Duration.ofSeconds(120));
                assertEquals(sent.size(), got.size(), "event count");
                assertEquals(new HashSet<>(sent), new HashSet<>(got));
                Map<String, Integer> last = new HashMap<>();
                for (String ev : got) {
                    String[] kv = ev.split(":");
                    int seq = Integer.parseInt(kv[1]);
                    assertTrue(seq > last.getOrDefault(kv[0], -1), "order of key " + kv[0]);
                    last.put(kv[0], seq);
                }
                rgm.deleteReaderGroup(group);
            }
        }
    }

    /**
     * Exactly-once across a lost writer. Pravega's event writer already deduplicates its own retries after a
     * broken connection (SetupAppend returns the last acknowledged event number and the writer resends only
     * what follows), but the public API offers no way to break the connection, and a new EventStreamWriter
     * always gets a fresh random writer id, so an application restart cannot resume a writer. What the API
     * offers for exactly-once across a lost client is the transaction: its id survives the client, and a new
     * client decides with getTxn(id).checkStatus() whether to commit. This test loses the whole client
     * (factory, connections, writer) with an open transaction, then a new client finds it by id, commits it,
     * and a third client, unsure whether the commit happened, sees it committed and does not write again.
     */
    @Test
    void exactlyOnceAcrossLostClientViaTransaction() throws Exception {
        try (StreamManager mgr = StreamManager.create(CLIENT)) {
            String scope = scopeWithStream(mgr, "j-eo", "eo", 2);
            EventWriterConfig cfg = EventWriterConfig.builder().automaticallyNoteTime(false)
                    .transactionTimeoutTime(120_000).build();
            List<String> sent = new ArrayList<>();
            UUID txnId;
            EventStreamClientFactory first = EventStreamClientFactory.withScope(scope, CLIENT);
            TransactionalEventStreamWriter<String> w1 = first.createTransactionalEventWriter("app-1", "eo", UTF8, cfg);
            Transaction<String> txn = w1.beginTxn();
            txnId = txn.getTxnId();
            for (int i = 0; i < 500; i++) {
                String ev = "eo-" + i;
                txn.writeEvent("k" + (i % 7), ev);
                sent.add(ev);
            }
            txn.flush();
            // The client is lost: every connection closes, the transaction stays open on the server.
            w1.close();
            first.close();

            try (EventStreamClientFactory second = EventStreamClientFactory.withScope(scope, CLIENT);
                 TransactionalEventStreamWriter<String> w2 = second.createTransactionalEventWriter("app-1", "eo", UTF8, cfg)) {
                Transaction<String> again = w2.getTxn(txnId);
                assertEquals(Transaction.Status.OPEN, again.checkStatus());
                again.commit();
            }
            try (EventStreamClientFactory third = EventStreamClientFactory.withScope(scope, CLIENT);
                 TransactionalEventStreamWriter<String> w3 = third.createTransactionalEventWriter("app-1", "eo", UTF8, cfg)) {
                Transaction.Status st = w3.getTxn(txnId).checkStatus();
                assertTrue(st == Transaction.Status.COMMITTING || st == Transaction.Status.COMMITTED, "status " + st);
            }
            try (EventStreamClientFactory f = EventStreamClientFactory.withScope(scope, CLIENT);
                 ReaderGroupManager rgm = ReaderGroupManager.withScope(scope, CLIENT)) {
                String group = unique("rg");
                readerGroup(rgm, group, scope, "eo");
                List<String> got = readAll(f, group, sent.size(), Duration.ofSeconds(60));
                assertEquals(sent.size(), got.size(), "no loss, no duplicates");
                assertEquals(new HashSet<>(sent), new HashSet<>(got));
                rgm.deleteReaderGroup(group);
            }
        }
    }
}
