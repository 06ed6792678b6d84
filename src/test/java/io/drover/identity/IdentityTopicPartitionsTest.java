package io.drover.identity;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The identity reader's partitions of a topic created a moment ago. In BrokerFailureIT (three instances starting at
 * once on a three-node cluster) the broker asked right after the topic's creation answered no partitions twice in
 * seven runs; the reader assigned none, stopped on its first poll, and readiness stayed DOWN ("the identity topic's
 * reader has stopped; restart Drover"). Kafka's answers are played here in the order seen.
 */
class IdentityTopicPartitionsTest {

    private static final Node NODE = new Node(1, "127.0.0.1", 9092);

    private static PartitionInfo partition(int p) {
        return new PartitionInfo("drover.identity", p, NODE, new Node[] {NODE}, new Node[] {NODE});
    }

    @Test
    void aNewTopicThatShowsNoPartitionsAtFirstIsAskedAgainUntilItDoes() throws Exception {
        Deque<List<PartitionInfo>> answers = new ArrayDeque<>(List.of(List.of(), List.of(),
                List.of(partition(0), partition(1), partition(2))));
        List<TopicPartition> partitions = IdentityTopic.partitionsOf("drover.identity", answers::poll, Duration.ofSeconds(5));
        assertThat(partitions).containsExactly(new TopicPartition("drover.identity", 0),
                new TopicPartition("drover.identity", 1), new TopicPartition("drover.identity", 2));
        assertThat(answers).isEmpty();
    }

    @Test
    void aTopicThatNeverShowsItsPartitionsFailsTheStartWithItsName() {
        assertThatThrownBy(() -> IdentityTopic.partitionsOf("drover.identity", List::of, Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("drover.identity");
    }
}
