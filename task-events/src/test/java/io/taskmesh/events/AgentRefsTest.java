package io.taskmesh.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentRefsTest {

    @Test
    void aTaskWithoutStepsIsCarriedOutByAnAgent() {
        assertThat(AgentRefs.needsAgent(EventJson.readTree("{\"objective\":\"Summarise\"}"))).isTrue();
        assertThat(AgentRefs.needsAgent(EventJson.readTree("{\"objective\":\"Summarise\",\"steps\":[]}"))).isTrue();
    }

    @Test
    void aTaskOfStepsNeedsAnAgentOnlyForAnAgentStepOrWhenItNamesOne() {
        assertThat(AgentRefs.needsAgent(EventJson.readTree("""
                {"steps":[{"id":"a","action":"transform","expression":"1"},{"id":"b","action":"http","url":"https://x"}]}
                """))).isFalse();
        assertThat(AgentRefs.needsAgent(EventJson.readTree("""
                {"steps":[{"id":"a","action":"transform","expression":"1"},{"id":"b","action":"agent","prompt":"p"}]}
                """))).isTrue();
        assertThat(AgentRefs.needsAgent(EventJson.readTree("""
                {"agent":"python-worker","steps":[{"id":"a","action":"transform","expression":"1"}]}
                """))).isTrue();
    }

    @Test
    void aNamedAgentIsLookedUpAndTheTasksOwnFieldsWin() {
        assertThat(AgentRefs.nameOf(EventJson.readTree("\"critic\""))).isEqualTo("critic");
        assertThat(AgentRefs.nameOf(EventJson.readTree("{\"name\":\"critic\",\"temperature\":0}"))).isEqualTo("critic");
        assertThat(AgentRefs.over(EventJson.readTree("{\"model\":\"m\",\"temperature\":1}"),
                EventJson.readTree("{\"name\":\"critic\",\"temperature\":0}")))
                .isEqualTo(EventJson.readTree("{\"model\":\"m\",\"temperature\":0,\"name\":\"critic\"}"));
    }
}
