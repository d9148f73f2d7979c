package dev.gemrag.model.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounded queue with one FIFO per {@link RequestKind}, from which the worker takes whole batches:
 * highest-priority kind first, the oldest request of that kind plus the pending ones closest to its
 * length (less padding), within the token budget.
 *
 * <p>Fairness: a kind that has been waiting while {@value #STARVATION_LIMIT} batches in a row went
 * to other kinds gets the next batch, so documents keep at least one batch in {@value
 * #STARVATION_LIMIT}+1 however many questions arrive (strict priority alone would never index while
 * questions keep coming). Batches differ in length (a generation batch runs for seconds, a document
 * batch for a fraction), so a kind passed over at least once whose oldest request has waited longer
 * than the age bound (default {@link #DEFAULT_MAX_AGE}) is also served next: under a stream of long
 * generations, documents alternate.
 */
final class RequestQueue {
    /** Batches a waiting kind may be passed over in a row before it is served. */
    static final int STARVATION_LIMIT = 3;

    /** Waiting this long (and passed over once) is starving too, whatever the batch count. */
    static final java.time.Duration DEFAULT_MAX_AGE = java.time.Duration.ofSeconds(2);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Map<RequestKind, ArrayDeque<Request>> queues = new EnumMap<>(RequestKind.class);

    /** Batches in a row each kind was passed over while it had requests waiting. */
    private final Map<RequestKind, Integer> passedOver = new EnumMap<>(RequestKind.class);

    private final EngineOptions options;
    private final long maxAgeNanos;
    private int size;
    private boolean closed;
    private String closedReason = "engine closed";

    RequestQueue(EngineOptions options) {
        this(options, DEFAULT_MAX_AGE.toNanos());
    }

    RequestQueue(EngineOptions options, long maxAgeNanos) {
        this.options = options;
        this.maxAgeNanos = maxAgeNanos;
        for (RequestKind k : RequestKind.values()) {
            queues.put(k, new ArrayDeque<>());
            passedOver.put(k, 0);
        }
    }

    /** Adds a request, blocking or rejecting when full. Returns the depth after adding. */
    int put(Request r) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (size >= options.queueCapacity() && !closed) {
                if (options.whenFull() == EngineOptions.FullQueuePolicy.REJECT) {
                    throw new EngineOverloadedException(
                            "embedding/generation queue is full ("
                                    + options.queueCapacity()
                                    + " requests waiting); retry later or raise the queue capacity");
                }
                notFull.await();
            }
            if (closed) {
                throw new EngineClosedException(closedReason);
            }
            queues.get(r.kind()).addLast(r);
            size++;
            notEmpty.signal();
            return size;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for work, then up to {@code maxWait} more for a fuller batch. Returns null once closed.
     */
    List<Request> takeBatch() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (size == 0 && !closed) {
                notEmpty.await();
            }
            if (closed) {
                return null;
            }
            long waitNanos = options.maxWait().toNanos();
            long deadline = System.nanoTime() + waitNanos;
            while (!closed && waitNanos > 0 && size < options.maxBatch()) {
                waitNanos = deadline - System.nanoTime();
                if (waitNanos > 0) {
                    notEmpty.awaitNanos(waitNanos);
                }
            }
            if (closed) {
                return null;
            }
            RequestKind kind = nextKind();
            ArrayDeque<Request> q = queues.get(kind);
            List<Request> batch = select(kind, q);
            q.removeAll(batch);
            size -= batch.size();
            notFull.signalAll();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The kind served next: a starving one (lowest priority first), else the highest priority
     * waiting.
     */
    private RequestKind nextKind() {
        RequestKind[] kinds = RequestKind.values();
        RequestKind chosen = null;
        long now = System.nanoTime();
        for (int i = kinds.length - 1; i >= 0 && chosen == null; i--) {
            ArrayDeque<Request> q = queues.get(kinds[i]);
            int passed = passedOver.get(kinds[i]);
            if (!q.isEmpty()
                    && (passed >= STARVATION_LIMIT
                            || passed >= 1 && now - q.peekFirst().enqueuedNanos() > maxAgeNanos)) {
                chosen = kinds[i];
            }
        }
        for (int i = 0; i < kinds.length && chosen == null; i++) {
            if (!queues.get(kinds[i]).isEmpty()) {
                chosen = kinds[i];
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("queue size " + size + " but every class is empty");
        }
        for (RequestKind k : kinds) {
            boolean waiting = k != chosen && !queues.get(k).isEmpty();
            passedOver.put(k, waiting ? passedOver.get(k) + 1 : 0);
        }
        return chosen;
    }

    private List<Request> select(RequestKind kind, ArrayDeque<Request> q) {
        Request oldest = q.peekFirst();
        List<Request> candidates = new ArrayList<>();
        for (Request r : q) {
            if (r != oldest
                    && (kind != RequestKind.GENERATE
                            || Objects.equals(r.params(), oldest.params()))) {
                candidates.add(r);
            }
        }
        candidates.sort(Comparator.comparingInt(r -> Math.abs(r.tokens() - oldest.tokens())));
        int limit =
                kind == RequestKind.GENERATE ? options.maxGenerationBatch() : options.maxBatch();
        List<Request> batch = new ArrayList<>();
        batch.add(oldest);
        int longest = oldest.tokens();
        for (Request r : candidates) {
            if (batch.size() >= limit) {
                break;
            }
            int newLongest = Math.max(longest, r.tokens());
            if ((long) newLongest * (batch.size() + 1) <= options.tokenBudget()) {
                batch.add(r);
                longest = newLongest;
            }
        }
        return batch;
    }

    /**
     * The next batch without waiting, for a worker with a decode batch running: empty when nothing
     * waits, null once closed. GENERATE requests are taken only while {@code generateRoom > 0}, at
     * most that many.
     */
    List<Request> pollBatch(int generateRoom) {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            for (RequestKind kind : RequestKind.values()) {
                ArrayDeque<Request> q = queues.get(kind);
                if (q.isEmpty() || (kind == RequestKind.GENERATE && generateRoom <= 0)) {
                    continue;
                }
                List<Request> batch = select(kind, q);
                if (kind == RequestKind.GENERATE && batch.size() > generateRoom) {
                    batch = new ArrayList<>(batch.subList(0, generateRoom));
                }
                q.removeAll(batch);
                size -= batch.size();
                notFull.signalAll();
                return batch;
            }
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    /** Marks the queue closed and returns everything still waiting (to be failed by the caller). */
    List<Request> close(String reason) {
        lock.lock();
        try {
            closed = true;
            closedReason = reason;
            List<Request> pending = new ArrayList<>();
            queues.values()
                    .forEach(
                            q -> {
                                pending.addAll(q);
                                q.clear();
                            });
            size = 0;
            notEmpty.signalAll();
            notFull.signalAll();
            return pending;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }
}
