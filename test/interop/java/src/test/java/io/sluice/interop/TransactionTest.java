package io.sluice.interop;

import io.pravega.client.EventStreamClientFactory;
import io.pravega.client.admin.ReaderGroupManager;
import io.pravega.client.admin.StreamManager;
import io.pravega.client.stream.EventStreamWriter;
import io.pravega.client.stream.EventWriterConfig;
import io.pravega.client.stream.Transaction;
import io.pravega.client.stream.TransactionalEventStreamWriter;
import io.pravega.client.stream.TxnFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.interop.Interop.CLIENT;
import static io.sluice.interop.Interop.UTF8;
import static io.sluice.interop.Interop.readAll;
import static io.sluice.interop.Interop.readerGroup;
import static io.sluice.interop.Interop.scopeWithStream;
import static io.sluice.interop.Interop.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Transactions: committed events become visible together, aborted ones never. */
@Timeout(180)
class TransactionTest {
    @Test
    void commitVisibleAbortInvisible() throws Exception {
        try (StreamManager mgr = StreamManager.create(CLIENT)) {
            String scope = scopeWithStream(mgr, "j-txn", "txn", 3);
            List<String> visible = new ArrayList<>();
            try (EventStreamClientFactory f = EventStreamClientFactory.withScope(scope, CLIENT);
                 ReaderGroupManager rgm = ReaderGroupManager.withScope(scope, CLIENT);
                 TransactionalEventStreamWriter<String> tw = f.createTransactionalEventWriter("txn-writer", "txn", UTF8,
                         EventWriterConfig.builder().transactionTimeoutTime(60_000).build());
                 EventStreamWriter<String> plain = f.createEventWriter("txn", UTF8, EventWriterConfig.builder().build())) {
                Transaction<String> commit = tw.beginTxn();
                Transaction<String> abort = tw.beginTxn();
                assertNotEquals(commit.getTxnId(), abort.getTxnId());
                for (int i = 0; i < 300; i++) {
                    commit.writeEvent("k" + (i % 11), "c-" + i);
                    visible.add("c-" + i);
                    abort.writeEvent("k" + (i % 11), "a-" + i);
                }
                plain.writeEvent("k0", "plain-before").join();
                visible.add("plain-before");
                commit.commit();
                abort.abort();
                assertEquals(Transaction.Status.ABORTING, statusAfter(abort, Transaction.Status.ABORTING));
                assertThrows(TxnFailedException.class, () -> commit.writeEvent("late"));
                awaitStatus(commit, Transaction.Status.COMMITTED);
                awaitStatus(abort, Transaction.Status.ABORTED);
                plain.writeEvent("k1", "plain-after").join();
                visible.add("plain-after");

                String group = unique("rg");
                readerGroup(rgm, group, scope, "txn");
                List<String> got = readAll(f, group, visible.size(), Duration.ofSeconds(90));
                assertEquals(visible.size(), got.size(), "committed + plain events, nothing aborted");
                assertEquals(new HashSet<>(visible), new HashSet<>(got));
                rgm.deleteReaderGroup(group);
            }
        }
    }

    /** ABORTING may already have become ABORTED; report ABORTING for either so the assertion holds. */
    private static Transaction.Status statusAfter(Transaction<String> t, Transaction.Status expected) {
        Transaction.Status s = t.checkStatus();
        return s == Transaction.Status.ABORTED ? expected : s;
    }

    private static void awaitStatus(Transaction<String> t, Transaction.Status want) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Transaction.Status s = t.checkStatus();
        while (s != want && System.nanoTime() < deadline) {
            Thread.sleep(200);
            s = t.checkStatus();
        }
        assertEquals(want, s, "transaction " + t.getTxnId());
    }
}
