package io.taskmesh.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;

/** {@code java -jar taskmesh-cli.jar <command>}: what {@code bin/taskmesh} runs for every client command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, System.out.charset()), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, System.err.charset()), true);
        System.exit(Taskmesh.execute(Environment.system(), out, err, args));
    }
}
