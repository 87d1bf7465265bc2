package io.taskmesh.scheduler.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskmesh.events.EventJson;
import io.taskmesh.scheduler.graph.GraphPlanner.Kind;
import io.taskmesh.scheduler.graph.GraphPlanner.NamedTask;
import io.taskmesh.scheduler.graph.GraphPlanner.Node;
import io.taskmesh.scheduler.graph.GraphPlanner.Plan;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class GraphPlannerTest {

    private final Map<String, NamedTask> tasks = new HashMap<>();

    private void define(String name, String state, String definition) {
        tasks.put(name, new NamedTask(name, 4, state, EventJson.readTree(definition)));
    }

    private Plan plan(String name, String definition, String inputs) {
        Function<String, NamedTask> lookup = tasks::get;
        return GraphPlanner.plan(name, 7, EventJson.readTree(definition), EventJson.readTree(inputs), lookup);
    }

    private static Node node(Plan plan, String name) {
        return plan.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aDiamondHasOneNodePerTaskAndItsSharedDependencyOnce() {
        define("d", "active", "{\"name\":\"d\",\"objective\":\"D\"}");
        define("b", "active", "{\"name\":\"b\",\"objective\":\"B\",\"dependsOn\":[\"d\"]}");
        define("c", "active", "{\"name\":\"c\",\"objective\":\"C\",\"dependsOn\":[\"d\"]}");

        Plan plan = plan("a", "{\"name\":\"a\",\"objective\":\"A\",\"dependsOn\":[\"b\",\"c\"]}", "{\"x\":1}");

        assertThat(plan.error()).isNull();
        assertThat(plan.nodes()).extracting(Node::name).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(plan.nodes().getFirst().name()).isEqualTo("a");
        assertThat(plan.nodes().getFirst().version()).isEqualTo(7);
        assertThat(node(plan, "d").version()).isEqualTo(4);
        assertThat(node(plan, "a").needs()).containsOnlyKeys("task:b", "task:c").containsValue(Kind.DEPENDENCY);
        assertThat(node(plan, "b").needs()).containsOnlyKeys("task:d");
        assertThat(node(plan, "c").needs()).containsOnlyKeys("task:d");
        assertThat(node(plan, "d").needs()).isEmpty();
        assertThat(plan.nodes()).allSatisfy(n -> assertThat(n.parentKey()).isNull());
        assertThat(node(plan, "d").inputs().get("x").asInt()).isEqualTo(1);
    }

    @Test
    void inlineSubtasksAreNodesUnderTheirParentDependOnSiblingsAndWaitForTheParentsDependencies() {
        define("fetch", "active", "{\"name\":\"fetch\",\"objective\":\"Fetch\"}");
        Plan plan = plan("report", """
                {"name":"report","objective":"Report","dependsOn":["fetch"],"subtasks":[
                  {"name":"count","objective":"Count"},
                  {"name":"chart","objective":"Chart","dependsOn":["count"]}]}""", "{}");

        assertThat(plan.error()).isNull();
        Node report = node(plan, "report");
        Node count = node(plan, "count");
        Node chart = node(plan, "chart");
        assertThat(report.needs()).containsEntry("task:fetch", Kind.DEPENDENCY)
                .containsEntry(count.key(), Kind.SUBTASK).containsEntry(chart.key(), Kind.SUBTASK);
        assertThat(count.parentKey()).isEqualTo(report.key());
        assertThat(count.definedIn()).isEqualTo("report");
        assertThat(count.version()).isEqualTo(7);
        assertThat(count.needs()).containsOnlyKeys("task:fetch");
        assertThat(chart.needs()).containsOnlyKeys(count.key(), "task:fetch");
        assertThat(node(plan, "fetch").parentKey()).isNull();
    }

    @Test
    void aNamedSubtaskReachedTwiceRunsOnceUnderItsFirstParent() {
        define("shared", "active", "{\"name\":\"shared\",\"objective\":\"S\"}");
        define("p1", "active", "{\"name\":\"p1\",\"objective\":\"P1\",\"subtasks\":[\"shared\"]}");
        define("p2", "active", "{\"name\":\"p2\",\"objective\":\"P2\",\"subtasks\":[\"shared\"]}");

        Plan plan = plan("top", "{\"name\":\"top\",\"objective\":\"T\",\"subtasks\":[\"p1\",\"p2\"]}", "{}");

        assertThat(plan.nodes()).extracting(Node::name).containsExactlyInAnyOrder("top", "p1", "p2", "shared");
        assertThat(node(plan, "shared").parentKey()).isEqualTo("task:p1");
        assertThat(node(plan, "p2").needs()).containsEntry("task:shared", Kind.SUBTASK);
    }

    @Test
    void unknownAndInactiveTasksCyclesAndRefusedInputsAreErrorsNamingTheTask() {
        assertThat(plan("a", "{\"name\":\"a\",\"objective\":\"A\",\"dependsOn\":[\"ghost\"]}", "{}").error())
                .isEqualTo("there is no task named 'ghost' (named in the dependsOn of 'a')");

        define("sleepy", "inactive", "{\"name\":\"sleepy\",\"objective\":\"S\"}");
        assertThat(plan("a", "{\"name\":\"a\",\"objective\":\"A\",\"subtasks\":[\"sleepy\"]}", "{}").error())
                .isEqualTo("task 'sleepy' (named in the subtasks of 'a') is inactive and takes no new runs");

        define("back", "active", "{\"name\":\"back\",\"objective\":\"B\",\"subtasks\":[{\"name\":\"inner\",\"objective\":\"I\",\"dependsOn\":[\"a\"]}]}");
        Plan cycle = plan("a", "{\"name\":\"a\",\"objective\":\"A\",\"dependsOn\":[\"back\"]}", "{}");
        assertThat(cycle.error()).startsWith("the graph has a cycle: ").contains("a needs back needs inner needs a");
        assertThat(cycle.nodes()).isEmpty();

        assertThat(plan("a", """
                {"name":"a","objective":"A","subtasks":[{"name":"x","objective":"X"},{"name":"x","objective":"Y"}]}""", "{}")
                .error()).isEqualTo("two subtasks of 'a' are named 'x'");

        define("strict", "active", """
                {"name":"strict","objective":"S","parameters":{"type":"object","properties":{"n":{"type":"integer","default":3},
                 "label":{"type":"string"}},"required":["label"]}}""");
        assertThat(plan("a", "{\"name\":\"a\",\"objective\":\"A\",\"dependsOn\":[\"strict\"]}", "{}").error())
                .startsWith("the run's inputs do not match the parameters of task 'strict': inputs").contains("label");
        Plan defaults = plan("a", "{\"name\":\"a\",\"objective\":\"A\",\"dependsOn\":[\"strict\"]}", "{\"label\":\"l\"}");
        assertThat(node(defaults, "strict").inputs().get("n").asInt()).isEqualTo(3);
        assertThat(node(defaults, "a").inputs().has("n")).isFalse();
    }
}
