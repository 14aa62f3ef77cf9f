package lb.analysis.report;

/**
 * One experiment's part of the report: Markdown whose links are relative to the output folder.
 *
 * @param experiment the experiment's name ({@code a1}, ...), which is also its folder
 * @param markdown   the section, starting with its {@code ##} heading
 */
public record Section(String experiment, String markdown) {}
