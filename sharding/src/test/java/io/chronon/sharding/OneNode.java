package io.chronon.sharding;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A one-node cluster with in-memory storage for the tests of one class: register it as a
 * static {@code @RegisterExtension} field; it starts before the class's first test and stops
 * after its last.
 */
final class OneNode implements BeforeAllCallback, AfterAllCallback {
    private final String config;
    private ActorTestKit kit;
    private ChrononCluster chronon;

    /** @param config configuration on top of {@link TestCluster#config}'s */
    OneNode(String config) {
        this.config = config;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        kit = TestCluster.start(TestCluster.config("memory", null, config));
        chronon = ChrononCluster.get(kit.system());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        kit.shutdownTestKit();
    }

    ActorTestKit kit() {
        return kit;
    }

    ChrononCluster chronon() {
        return chronon;
    }
}
