package lb.analysis.experiment;

import lb.analysis.report.Section;

/**
 * One experiment of SPEC §6: runs live or offline in a {@link Lab}, writes its CSVs and charts under
 * {@code <out>/<name>/} and returns its section of the report.
 */
public interface Experiment {

    /** The subcommand and folder name: {@code a1}, {@code strategies}, ... */
    String name();

    Section run(Lab lab);
}
