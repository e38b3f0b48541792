package io.sluice.interop;

import io.pravega.client.admin.StreamInfo;
import io.pravega.client.admin.StreamManager;
import io.pravega.client.stream.RetentionPolicy;
import io.pravega.client.stream.ScalingPolicy;
import io.pravega.client.stream.Stream;
import io.pravega.client.stream.StreamConfiguration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.interop.Interop.CLIENT;
import static io.sluice.interop.Interop.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scope and stream administration through StreamManager (controller gRPC only). */
@Timeout(120)
class StreamAdminTest {
    @Test
    void createListTagSealDelete() throws Exception {
        try (StreamManager mgr = StreamManager.create(CLIENT)) {
            String scope = unique("j-admin");
            assertTrue(mgr.createScope(scope));
            assertFalse(mgr.createScope(scope), "second create of the same scope");
            assertTrue(mgr.checkScopeExists(scope));
            List<String> scopes = new ArrayList<>();
            mgr.listScopes().forEachRemaining(scopes::add);
            assertTrue(scopes.contains(scope), "listScopes contains " + scope);

            StreamConfiguration cfg = StreamConfiguration.builder()
                    .scalingPolicy(ScalingPolicy.fixed(3))
                    .retentionPolicy(RetentionPolicy.bySizeBytes(1L << 30))
                    .tag("team-a").tag("env-test")
                    .build();
            assertTrue(mgr.createStream(scope, "s1", cfg));
            assertFalse(mgr.createStream(scope, "s1", cfg), "second create of the same stream");
            assertTrue(mgr.createStream(scope, "s2", StreamConfiguration.builder()
                    .scalingPolicy(ScalingPolicy.fixed(1)).build()));
            assertTrue(mgr.checkStreamExists(scope, "s1"));
            assertEquals(Set.of("team-a", "env-test"), new HashSet<>(mgr.getStreamTags(scope, "s1")));

            // Listing by tag, and listing all. Real Pravega 0.13 also lists its internal "_MARK<stream>" watermark
            // streams here (names starting with "_" are reserved), so only user streams are compared.
            Set<String> tagged = new HashSet<>();
            mgr.listStreams(scope, "team-a").forEachRemaining(s -> tagged.add(s.getStreamName()));
            assertEquals(Set.of("s1"), tagged);
            Set<String> all = new HashSet<>();
            mgr.listStreams(scope).forEachRemaining(s -> {
                if (!s.getStreamName().startsWith("_")) {
                    all.add(s.getStreamName());
                }
            });
            assertEquals(Set.of("s1", "s2"), all);

            // Update: new tags, stream info reflects config and the stream is not sealed.
            assertTrue(mgr.updateStream(scope, "s1", cfg.toBuilder().clearTags().tag("team-b").build()));
            assertEquals(List.of("team-b"), new ArrayList<>(mgr.getStreamTags(scope, "s1")));
            StreamInfo info = mgr.fetchStreamInfo(scope, "s1").get();
            assertFalse(info.isSealed());
            assertEquals(3, info.getTailStreamCut().asImpl().getPositions().size());
            assertEquals(Stream.of(scope, "s1"), info.getTailStreamCut().asImpl().getStream());

            for (String s : List.of("s1", "s2")) {
                assertTrue(mgr.sealStream(scope, s), "seal " + s);
                assertTrue(mgr.fetchStreamInfo(scope, s).get().isSealed());
                assertTrue(mgr.deleteStream(scope, s), "delete " + s);
            }
            assertFalse(mgr.checkStreamExists(scope, "s1"));
            assertTrue(mgr.deleteScope(scope));
            assertFalse(mgr.checkScopeExists(scope));
        }
    }
}
