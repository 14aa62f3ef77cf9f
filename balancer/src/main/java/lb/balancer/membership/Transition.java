package lb.balancer.membership;

/** What happened to a replica (one {@link PoolEvent} each); {@code /status}, the log and metrics name them alike. */
public enum Transition {
    /** Started by {@code /add} or a fresh start, and in the ring. */
    JOINED,
    /** Found running at start-up and taken over as it was. */
    ADOPTED,
    /** Out of the ring after a failed heartbeat or forward; still probed. */
    SUSPECT,
    /** A suspect answered again: back in the ring. */
    CLEARED,
    /** Declared dead (the runtime saw it exit, or heartbeats failed); to be replaced when the runtime can. */
    DEAD,
    /** A fixed backend that had been dead answers its heartbeats again ({@code rise}): back in the ring. */
    RETURNED,
    /** A new instance from a warm spare took the dead one's name, id and place. */
    REPLACED_FROM_SPARE,
    /** A new instance, started cold, took the dead one's name, id and place. */
    REPLACED_COLD,
    /** A replacement is waiting (its cause and wait given), after a failed try or while its cause lasts. */
    BACKOFF,
    /** Removed by {@code /rm}; never brought back. */
    REMOVED,
    /** Would have been ejected, but the pool already has as many out as {@code LB_MAX_EJECTION_PERCENT} allows. */
    EJECTION_LIMITED
}
