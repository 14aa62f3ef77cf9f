package lb.analysis.experiment;

/** Where experiments report progress: a bar on a terminal, plain lines otherwise. Thread-safe. */
public interface Progress {

    /** A task of {@code total} steps; {@link Task#step} may be called from any thread. */
    Task start(String name, long total);

    /** A line for the person running the tool (what is being set up, per-round figures...). */
    void say(String line);

    interface Task extends AutoCloseable {
        void step();

        @Override
        void close();
    }

    /** Says nothing: for tests. */
    Progress SILENT = new Progress() {
        @Override
        public Task start(String name, long total) {
            return new Task() {
                @Override
                public void step() {}

                @Override
                public void close() {}
            };
        }

        @Override
        public void say(String line) {}
    };
}
