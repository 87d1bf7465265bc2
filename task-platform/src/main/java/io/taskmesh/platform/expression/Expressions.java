package io.taskmesh.platform.expression;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CEL expressions over a run's data: {@code inputs}, {@code context}, {@code steps} (each step's output
 * under its id), {@code result}, {@code secrets} (the tenant's secrets a step names) and {@code run} (its
 * {@code id} and {@code task}, the same in every attempt: an idempotency key for a step's side effects). Compiled once per expression text and cached; evaluation is
 * side-effect free and bounded by CEL's design (no loops, no I/O).
 */
public final class Expressions {

    public static final List<String> VARIABLES = List.of("inputs", "context", "steps", "memory", "result", "event",
            "item", "index", "secrets", "run");

    /** Variables that hold any JSON value (the others are objects, empty when absent). */
    private static final List<String> ANY_VALUE = List.of("result", "item", "index");

    private static final CelCompiler COMPILER;
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .addLibraries(CelExtensions.strings())
            .build();
    private static final int MAX_CACHED = 4096;
    private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

    static {
        var builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addLibraries(CelExtensions.strings())
                .setResultType(SimpleType.DYN);
        for (String variable : VARIABLES) {
            builder.addVar(variable, ANY_VALUE.contains(variable) ? SimpleType.DYN
                    : MapType.create(SimpleType.STRING, SimpleType.DYN));
        }
        COMPILER = builder.build();
    }

    private Expressions() {
    }

    /** Why {@code expression} does not compile, or null when it does. */
    public static String compileError(String expression) {
        try {
            program(expression);
            return null;
        } catch (InvalidExpressionException e) {
            return e.getMessage();
        }
    }

    /** Evaluates {@code expression} with the given variables (JSON values); the result as JSON. */
    public static JsonNode evaluate(String expression, Map<String, JsonNode> variables) {
        Map<String, Object> activation = new HashMap<>();
        for (String variable : VARIABLES) {
            JsonNode value = variables.get(variable);
            Object plain = value == null ? (ANY_VALUE.contains(variable) ? null : Map.of()) : JsonValues.toCel(value);
            if (plain != null) {
                activation.put(variable, plain);
            }
        }
        try {
            return JsonValues.fromCel(program(expression).eval(activation));
        } catch (CelEvaluationException e) {
            throw new InvalidExpressionException("evaluation of '" + expression + "' failed: " + e.getMessage(), e);
        }
    }

    private static CelRuntime.Program program(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new InvalidExpressionException("the expression is empty");
        }
        if (PROGRAMS.size() > MAX_CACHED) {
            PROGRAMS.clear();
        }
        return PROGRAMS.computeIfAbsent(expression, text -> {
            try {
                CelAbstractSyntaxTree ast = COMPILER.compile(text).getAst();
                return RUNTIME.createProgram(ast);
            } catch (CelValidationException e) {
                throw new InvalidExpressionException(e.getMessage(), e);
            } catch (CelEvaluationException e) {
                throw new InvalidExpressionException(e.getMessage(), e);
            }
        });
    }

    /** An expression that does not compile or cannot be evaluated on the given data. */
    public static class InvalidExpressionException extends RuntimeException {
        public InvalidExpressionException(String message) {
            super(message);
        }

        public InvalidExpressionException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
