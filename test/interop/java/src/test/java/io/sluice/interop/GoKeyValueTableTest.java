package io.sluice.interop;

import io.pravega.client.ByteStreamClientFactory;
import io.pravega.client.KeyValueTableFactory;
import io.pravega.client.byteStream.ByteStreamReader;
import io.pravega.client.byteStream.ByteStreamWriter;
import io.pravega.client.tables.KeyValueTable;
import io.pravega.client.tables.KeyValueTableClientConfiguration;
import io.pravega.client.tables.Put;
import io.pravega.client.tables.TableEntry;
import io.pravega.client.tables.TableKey;
import io.pravega.client.tables.TableModification;
import io.pravega.client.tables.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.interop.Interop.CLIENT;
import static io.sluice.interop.KeyValueTableTest.key;
import static io.sluice.interop.KeyValueTableTest.str;
import static io.sluice.interop.KeyValueTableTest.val;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Go ↔ Java key-value tables and byte streams, run by the Go client's test TestKVTJavaInterop. The Go client
 * created SLUICE_GOKVT_TABLE ("scope/table": 3 partitions, 8-byte primary keys = a long, 4-byte secondary
 * keys = an int) holding "go-P-S" under key (P, S) for P in 0..19, S in 0..4, and gave the version of (0, 0)
 * in SLUICE_GOKVT_VERSION. Java reads them, replaces (0, 0) at that version with "java-replaced" and writes
 * "java-P-S" for P in 100..119. The Go client wrote "hello from go" to the byte stream SLUICE_GOKVT_BYTES
 * ("scope/stream"); Java reads it, appends " and java" and seals it. Without the variables the test is
 * skipped.
 */
@Timeout(120)
class GoKeyValueTableTest {
    @Test
    void sharesTablesAndByteStreamsWithGo() throws Exception {
        String table = System.getenv("SLUICE_GOKVT_TABLE");
        String version = System.getenv("SLUICE_GOKVT_VERSION");
        String bytes = System.getenv("SLUICE_GOKVT_BYTES");
        Assumptions.assumeTrue(table != null && version != null && bytes != null, "not run by the Go client's test");

        String[] t = table.split("/");
        try (KeyValueTableFactory kf = KeyValueTableFactory.withScope(t[0], CLIENT);
             KeyValueTable kvt = kf.forKeyValueTable(t[1], KeyValueTableClientConfiguration.builder().build())) {
            List<TableKey> keys = new ArrayList<>();
            for (long p = 0; p < 20; p++) {
                for (int s = 0; s < 5; s++) {
                    keys.add(key(p, s));
                }
            }
            List<TableEntry> got = kvt.getAll(keys).get();
            for (int i = 0; i < keys.size(); i++) {
                TableKey k = keys.get(i);
                String want = "go-" + k.getPrimaryKey().getLong(0) + "-" + k.getSecondaryKey().getInt(0);
                assertEquals(want, str(got.get(i).getValue()), "value the Go client wrote");
            }
            assertEquals(version, got.get(0).getVersion().toString(), "Go's version string of (0, 0)");
            Set<String> iterated = new HashSet<>();
            kvt.iterator().maxIterationSize(13).all().entries()
                    .forEachRemaining(item -> item.getItems().forEach(e -> iterated.add(str(e.getValue()))), Runnable::run)
                    .get();
            assertEquals(100, iterated.size());

            Version v = kvt.update(new Put(key(0, 0), val("java-replaced"), Version.fromString(version))).get();
            assertNotEquals(version, v.toString());
            for (long p = 100; p < 120; p++) {
                List<TableModification> batch = new ArrayList<>();
                for (int s = 0; s < 5; s++) {
                    batch.add(new Put(key(p, s), val("java-" + p + "-" + s)));
                }
                kvt.update(batch).get();
            }
        }

        String[] b = bytes.split("/");
        try (ByteStreamClientFactory bf = ByteStreamClientFactory.withScope(b[0], CLIENT)) {
            try (ByteStreamReader r = bf.createByteStreamReader(b[1])) {
                byte[] buf = new byte[13];
                int n = 0;
                while (n < buf.length) {
                    n += r.read(buf, n, buf.length - n);
                }
                assertEquals("hello from go", new String(buf, StandardCharsets.UTF_8));
            }
            ByteStreamWriter w = bf.createByteStreamWriter(b[1]);
            w.write(" and java".getBytes(StandardCharsets.UTF_8));
            w.closeAndSeal();
        }
    }
}
