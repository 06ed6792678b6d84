package io.drover.integration;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

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

    /**
     * Hands one poll's records to the lanes of their keys (the poll thread, in partition order), each lane's share in
     * one step: a lane is woken when it has a record to start a batch with, or enough to fill one, not per record
     * (a wake-up per record was a thread switch per event at the ingest rate).
     */
    void add(List<Item> records) {
        if (records.isEmpty()) {
            return;
        }
        queued.addAndGet(records.size());
        if (lanes.length == 1) {
            lanes[0].queue.addAll(records);
            return;
        }
        List<List<Item>> shares = new ArrayList<>(lanes.length);
        for (int i = 0; i < lanes.length; i++) {
            shares.add(new ArrayList<>());
        }
        for (Item item : records) {
            ConsumerRecord<String, byte[]> r = item.record();
            int hash = r.key() != null ? r.key().hashCode() : r.partition();
            shares.get(Math.floorMod(hash, lanes.length)).add(item);
        }
        for (int i = 0; i < lanes.length; i++) {
            if (!shares.get(i).isEmpty()) {
                lanes[i].queue.addAll(shares.get(i));
            }
        }
    }

    /** Records waiting in the lanes (not yet in a batch being delivered): the poll thread pauses reading above a bound. */
    int queued() {
        return queued.get();
    }

    /** Drops the queued records of partitions that went to another member. */
    void forget(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        for (Lane lane : lanes) {
            queued.addAndGet(-lane.queue.removeIf(i -> gone.contains(i.partition().tp)));
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
            lane.queue.wake();
        }
        for (Lane lane : lanes) {
            lane.thread.join(Math.max(1, deadline - System.currentTimeMillis()));
        }
    }

    boolean running() {
        return running;
    }

    private final class Lane implements Runnable {
        private final LaneQueue queue = new LaneQueue();
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
            List<Item> batch = queue.take(batchSize, lingerMs, Lanes.this::running);
            queued.addAndGet(-batch.size());
            return batch;
        }
    }

    /**
     * A lane's records, under one lock: the poll thread adds a poll's share at once and signals only a lane that
     * waits for a first record, or for as many as fill its batch.
     */
    private static final class LaneQueue {
        private final ArrayDeque<Item> items = new ArrayDeque<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        /** How many records the waiting lane needs to stop waiting (0: it does not wait). */
        private int wanted;

        void addAll(List<Item> add) {
            lock.lock();
            try {
                items.addAll(add);
                if (wanted > 0 && items.size() >= wanted) {
                    changed.signal();
                }
            } finally {
                lock.unlock();
            }
        }

        int removeIf(Predicate<Item> gone) {
            lock.lock();
            try {
                int before = items.size();
                items.removeIf(gone);
                return before - items.size();
            } finally {
                lock.unlock();
            }
        }

        void wake() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Waits for a first record (in steps, to see a stop), then up to lingerMs for the batch to fill. */
        List<Item> take(int batchSize, long lingerMs, BooleanSupplier running)
                throws InterruptedException {
            List<Item> batch = new ArrayList<>(Math.min(batchSize, 1024));
            lock.lock();
            try {
                wanted = 1;
                while (items.isEmpty()) {
                    if (!running.getAsBoolean()) {
                        return batch;
                    }
                    changed.await(200, TimeUnit.MILLISECONDS);
                }
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lingerMs);
                wanted = batchSize;
                long left;
                while (items.size() < batchSize && running.getAsBoolean() && (left = deadline - System.nanoTime()) > 0) {
                    changed.awaitNanos(left);
                }
                while (batch.size() < batchSize && !items.isEmpty()) {
                    batch.add(items.poll());
                }
                return batch;
            } finally {
                wanted = 0;
                lock.unlock();
            }
        }
    }
}
