package io.drover.integration;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An integration's requests in flight ({@code concurrency}): one lane per request, each a thread that cuts batches
 * from its queue (up to batchSize, waiting at most lingerMs after the first record) and delivers them one after the
 * other. A record goes to the lane of its key (the user: {@code drover.events} is keyed by user), so one user's
 * events are sent in order while other users' go out beside them; a retried batch holds back its lane only.
 * <p>
 * A lane's batch that cannot end (Drover stops, or its partitions go to another member during a retry) is not
 * finished: its records of partitions still owned are delivered again first, those of the others are dropped
 * (their new owner reads them from the last commit).
 */
final class Lanes {

    private static final Logger LOG = LoggerFactory.getLogger(Lanes.class);

    /** A record handed to a lane, with the assignment of its partition it was read under. */
    record Item(ConsumerRecord<String, byte[]> record, OffsetTracker.Partition partition) {
    }

    /** Delivers one batch; false when it could not end (see the class comment). */
    interface Delivery {
        boolean deliver(List<Item> batch);
    }

    private final String integration;
    private final int batchSize;
    private final long lingerMs;
    private final Lane[] lanes;
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean running = true;
    private volatile Throwable failure;

    /** @param deliveries one per lane (each lane has its own, so a delivery's state needs no lock) */
    Lanes(String integration, int batchSize, long lingerMs, List<Delivery> deliveries) {
        this.integration = integration;
        this.batchSize = batchSize;
        this.lingerMs = lingerMs;
        this.lanes = new Lane[deliveries.size()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(deliveries.get(i), "drover-integration-" + integration + (lanes.length > 1 ? "-" + i : ""));
        }
    }

    void start() {
        for (Lane lane : lanes) {
            lane.thread.start();
        }
    }

    /** Hands a record to its key's lane (the poll thread, in partition order). */
    void add(ConsumerRecord<String, byte[]> record, OffsetTracker.Partition partition) {
        int hash = record.key() != null ? record.key().hashCode() : record.partition();
        Lane lane = lanes[Math.floorMod(hash, lanes.length)];
        queued.incrementAndGet();
        lane.queue.add(new Item(record, partition));
    }

    /** Records waiting in the lanes (not yet in a batch being delivered): the poll thread pauses reading above a bound. */
    int queued() {
        return queued.get();
    }

    /** Drops the queued records of partitions that went to another member. */
    void forget(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        for (Lane lane : lanes) {
            lane.queue.removeIf(i -> {
                if (gone.contains(i.partition().tp)) {
                    queued.decrementAndGet();
                    return true;
                }
                return false;
            });
        }
    }

    /** An error no batch should raise (a bug): the integration stops reading, and its health says so. */
    Throwable failure() {
        return failure;
    }

    /** Stops taking batches; each lane ends its attempt in progress (at most {@code timeoutMillis} in all). */
    void stop(long timeoutMillis) throws InterruptedException {
        running = false;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (Lane lane : lanes) {
            lane.thread.join(Math.max(1, deadline - System.currentTimeMillis()));
        }
    }

    boolean running() {
        return running;
    }

    private final class Lane implements Runnable {
        private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
        private final Delivery delivery;
        private final Thread thread;

        Lane(Delivery delivery, String name) {
            this.delivery = delivery;
            this.thread = new Thread(this, name);
        }

        @Override
        public void run() {
            List<Item> carried = List.of();
            try {
                while (running) {
                    List<Item> batch = carried.isEmpty() ? next() : carried;
                    batch.removeIf(i -> i.partition().revoked());
                    if (batch.isEmpty()) {
                        carried = List.of();
                        continue;
                    }
                    boolean ended = deliver(batch);
                    if (ended) {
                        batch.forEach(i -> i.partition().finished(i.record().offset()));
                        carried = List.of();
                    } else {
                        carried = batch;   // the revoked ones are dropped at the top of the loop
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                failure = e;
                running = false;
                LOG.error("Integration {} stopped delivering events: {}", integration, e.toString(), e);
            }
        }

        private boolean deliver(List<Item> batch) {
            Set<OffsetTracker.Partition> partitions = new HashSet<>();
            batch.forEach(i -> partitions.add(i.partition()));
            partitions.forEach(p -> p.active(1));
            try {
                return delivery.deliver(batch);
            } finally {
                partitions.forEach(p -> p.active(-1));
            }
        }

        /** The next batch: up to batchSize records, at most lingerMs after the first; empty when stopping. */
        private List<Item> next() throws InterruptedException {
            List<Item> batch = new ArrayList<>(Math.min(batchSize, 1024));
            Item first = queue.poll(200, TimeUnit.MILLISECONDS);
            if (first == null) {
                return batch;
            }
            batch.add(first);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lingerMs);
            while (running && batch.size() < batchSize) {
                if (queue.drainTo(batch, batchSize - batch.size()) > 0) {
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Item more = queue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
                if (more != null) {
                    batch.add(more);
                }
            }
            queued.addAndGet(-batch.size());
            return batch;
        }
    }
}
