package io.sluice.interop;

import io.pravega.client.KeyValueTableFactory;
import io.pravega.client.admin.KeyValueTableInfo;
import io.pravega.client.admin.KeyValueTableManager;
import io.pravega.client.admin.StreamManager;
import io.pravega.client.tables.ConditionalTableUpdateException;
import io.pravega.client.tables.Insert;
import io.pravega.client.tables.KeyValueTable;
import io.pravega.client.tables.KeyValueTableClientConfiguration;
import io.pravega.client.tables.KeyValueTableConfiguration;
import io.pravega.client.tables.Put;
import io.pravega.client.tables.Remove;
import io.pravega.client.tables.TableEntry;
import io.pravega.client.tables.TableKey;
import io.pravega.client.tables.TableModification;
import io.pravega.client.tables.Version;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.interop.Interop.CLIENT;
import static io.sluice.interop.Interop.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key-value tables: create, put/get, conditional updates, multi-key update, remove, iterate, delete. */
@Timeout(120)
class KeyValueTableTest {
    @Test
    void putGetConditionalIterate() throws Exception {
        String scope = unique("j-kvt");
        try (StreamManager mgr = StreamManager.create(CLIENT);
             KeyValueTableManager kvm = KeyValueTableManager.create(CLIENT)) {
            assertTrue(mgr.createScope(scope));
            assertTrue(kvm.createKeyValueTable(scope, "kv", KeyValueTableConfiguration.builder()
                    .partitionCount(3).primaryKeyLength(8).secondaryKeyLength(4).build()));
            Set<String> tables = new HashSet<>();
            kvm.listKeyValueTables(scope).forEachRemaining((KeyValueTableInfo i) -> tables.add(i.getKeyValueTableName()));
            assertEquals(Set.of("kv"), tables);

            try (KeyValueTableFactory kf = KeyValueTableFactory.withScope(scope, CLIENT);
                 KeyValueTable kvt = kf.forKeyValueTable("kv", KeyValueTableClientConfiguration.builder().build())) {
                TableKey a = key(1, 1);
                Version v1 = kvt.update(new Put(a, val("one"))).get();
                TableEntry e = kvt.get(a).get();
                assertEquals("one", str(e.getValue()));
                assertEquals(v1, e.getVersion());
                assertNull(kvt.get(key(1, 2)).get(), "missing key");
                assertTrue(kvt.exists(a).get());

                // Insert is conditional on absence.
                assertConditionalFailure(() -> kvt.update(new Insert(a, val("dup"))).join());
                // Put with the current version succeeds and changes the version; the old version then fails.
                Version v2 = kvt.update(new Put(a, val("two"), v1)).get();
                assertNotEquals(v1, v2);
                assertConditionalFailure(() -> kvt.update(new Put(a, val("stale"), v1)).join());
                assertEquals("two", str(kvt.get(a).get().getValue()));
                // Put conditioned on "not exists" for a new key works once.
                Version v3 = kvt.update(new Put(key(2, 1), val("new"), Version.NOT_EXISTS)).get();
                assertNotEquals(Version.NOT_EXISTS, v3);

                // Many keys under one primary key in one atomic update.
                List<TableModification> batch = new ArrayList<>();
                for (int s = 10; s < 60; s++) {
                    batch.add(new Put(key(3, s), val("v" + s)));
                }
                assertEquals(50, kvt.update(batch).get().size());
                List<TableEntry> all = kvt.getAll(List.of(key(3, 10), key(3, 59), key(3, 99))).get();
                assertEquals("v10", str(all.get(0).getValue()));
                assertEquals("v59", str(all.get(1).getValue()));
                assertNull(all.get(2));

                // Remove, conditional on the version.
                assertConditionalFailure(() -> kvt.update(new Remove(a, v1)).join());
                kvt.update(new Remove(a, v2)).get();
                assertFalse(kvt.exists(a).get());

                // Iterate everything: 1 (pk 2) + 50 (pk 3).
                Set<String> keys = new HashSet<>();
                kvt.iterator().maxIterationSize(7).all().keys()
                        .forEachRemaining(item -> item.getItems().forEach(k -> keys.add(hex(k))), Runnable::run).get();
                assertEquals(51, keys.size());
                // Iterate one primary key.
                List<TableEntry> pk3 = new ArrayList<>();
                kvt.iterator().maxIterationSize(20).forPrimaryKey(pk(3)).entries()
                        .forEachRemaining(item -> pk3.addAll(item.getItems()), Runnable::run).get();
                assertEquals(50, pk3.size());
            }
            assertTrue(kvm.deleteKeyValueTable(scope, "kv"));
        }
    }

    private static void assertConditionalFailure(Runnable r) {
        CompletionException ex = assertThrows(CompletionException.class, r::run);
        Throwable c = ex.getCause() instanceof ExecutionException ? ex.getCause().getCause() : ex.getCause();
        assertInstanceOf(ConditionalTableUpdateException.class, c, String.valueOf(c));
    }

    static ByteBuffer pk(long p) {
        return ByteBuffer.allocate(8).putLong(0, p);
    }

    static TableKey key(long p, int s) {
        return new TableKey(pk(p), ByteBuffer.allocate(4).putInt(0, s));
    }

    static ByteBuffer val(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static String str(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }

    static String hex(TableKey k) {
        return k.getPrimaryKey().getLong(0) + "/" + k.getSecondaryKey().getInt(0);
    }
}
