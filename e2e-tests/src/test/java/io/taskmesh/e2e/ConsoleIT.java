package io.taskmesh.e2e;

import static io.taskmesh.e2e.Platform.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium (Debian's chromium and chromedriver): sign in through Keycloak,
 * create a task, run it, watch the run reach AWAITING_VALIDATION live, validate it, and see it VALIDATED.
 * Screenshots are kept in {@code e2e-tests/target/console/}.
 */
class ConsoleIT {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("TASKMESH_CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("TASKMESH_CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final Path SHOTS = Path.of("target", "console");

    private static WebDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        assertThat(CHROMIUM).as("Chromium (Debian package chromium; bin/taskmesh test installs it)").isExecutable();
        assertThat(CHROMEDRIVER).as("ChromeDriver (Debian package chromium-driver; bin/taskmesh test installs it)").isExecutable();
        Platform.start();
        Files.createDirectories(SHOTS);
        Path profile = Files.createTempDirectory("taskmesh-console-browser");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                // loopback only: nothing in the background tries to reach the internet
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + profile, "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void signInCreateATaskRunItWatchItAndValidateItsResult() throws IOException {
        browser.get(Platform.api() + "/console");
        // Keycloak's sign-in page, reached through the authorization code flow with PKCE
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys("alice");
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1"), "Tasks"));
        assertThat(browser.findElement(By.id("who")).getText()).contains("alice").contains("acme");

        String task = "console-" + UUID.randomUUID().toString().substring(0, 8);
        browser.findElement(By.linkText("New task")).click();
        WebElement definition = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("definition")));
        // the example the page offers, under a name of this test's own
        String example = definition.getAttribute("value");
        assertThat(example).startsWith("name: greet");
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1]", definition,
                example.replace("name: greet", "name: " + task).replace("title: Greet someone", "title: Console greeting"));
        browser.findElement(By.xpath("//button[text()='Create task']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1"), "Console greeting"));
        assertThat(browser.findElement(By.id("task-state")).getText()).isEqualTo("active");

        WebElement inputs = browser.findElement(By.id("inputs"));
        inputs.clear();
        inputs.sendKeys("{\"who\": \"console\"}");
        browser.findElement(By.xpath("//button[text()='Run']")).click();
        wait.until(ExpectedConditions.urlContains("#/runs/"));
        String runId = browser.getCurrentUrl().substring(browser.getCurrentUrl().indexOf("#/runs/") + 7);

        // the page follows the run live: no reload until it waits for a person
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#run-status [data-status='AWAITING_VALIDATION']")));
        assertThat(browser.findElement(By.id("run-result")).getText()).contains("Hello, console!");
        screenshot("1-run-awaiting-validation");

        browser.findElement(By.xpath("//button[text()='Validate']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#run-status [data-status='VALIDATED']")));
        screenshot("2-run-validated");
        as("alice").get(Platform.api() + "/api/v1/runs/" + runId).then().statusCode(200)
                .body("status", equalTo("VALIDATED")).body("result", equalTo("Hello, console!"));

        // the run list and the task's statistics show it
        browser.findElement(By.linkText("Runs")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-run='" + runId + "']")));
        browser.get(Platform.api() + "/console/#/tasks/" + task);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main"), "success rate 100%"));
        List<WebElement> bars = browser.findElements(By.cssSelector(".bars [data-status='VALIDATED']"));
        assertThat(bars).hasSize(1);
        screenshot("3-task-statistics");

        // subscriptions, on the notification-service's API: subscribe the task's validated runs to a webhook
        try (WebhookReceiver hooks = new WebhookReceiver()) {
            browser.findElement(By.linkText("Subscriptions")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1"), "Subscriptions"));
            browser.findElement(By.id("subscription-task")).sendKeys(task);
            browser.findElement(By.id("subscription-target")).sendKeys(hooks.url());
            browser.findElement(By.cssSelector("input[name='events'][value='FAILED']")).click();
            browser.findElement(By.cssSelector("input[name='events'][value='VALIDATED']")).click();
            browser.findElement(By.xpath("//button[text()='Subscribe']")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "signing secret"));
            WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath(
                    "//table[@aria-label='Subscriptions']//tr[td[1][text()='" + task + "']]")));
            assertThat(row.getText()).contains("VALIDATED").doesNotContain("FAILED").contains("webhook");
            String subscription = row.getAttribute("data-subscription");

            String second = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"who\":\"hooks\"}}")
                    .post(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                    as("alice").post(Platform.api() + "/api/v1/runs/" + second + "/validate").statusCode() == 200);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !hooks.received.isEmpty());

            browser.get(Platform.api() + "/console/#/subscriptions/" + subscription);
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-delivery] .status.DELIVERED")));
            assertThat(browser.findElement(By.cssSelector("table[aria-label='Deliveries']")).getText())
                    .contains(second.substring(0, 8)).contains("io.taskmesh.run.validated.v1");
            screenshot("4-subscription-deliveries");

            browser.findElement(By.linkText("All subscriptions")).click();
            WebElement created = wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("tr[data-subscription='" + subscription + "']")));
            created.findElement(By.xpath(".//button[text()='Delete']")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Subscription deleted"));
            wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-subscription='" + subscription + "']")));
        }
    }

    private static void screenshot(String name) throws IOException {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
