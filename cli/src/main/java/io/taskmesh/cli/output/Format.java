package io.taskmesh.cli.output;

/** How results are printed: a table for people, JSON or YAML for scripts. */
public enum Format {
    table, json, yaml
}
