package io.drover.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from Debian's {@code chromium} and {@code chromium-driver} packages (.ci/run installs them), driven
 * over WebDriver. The paths are given, so Selenium never tries to download a browser or a driver.
 */
public final class Chromium {

    public static final Path BROWSER = Path.of(System.getProperty("drover.test.chromium", "/usr/bin/chromium"));
    public static final Path DRIVER = Path.of(System.getProperty("drover.test.chromedriver", "/usr/bin/chromedriver"));

    private Chromium() {
    }

    public static boolean installed() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    /** Skips the calling test, with the reason, on a machine without the packages. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(installed(), "Browser tests skipped: " + BROWSER + " or " + DRIVER
                + " is missing (apt-get install chromium chromium-driver)");
    }

    public static ChromeDriver start() {
        return start(options -> { });
    }

    /** As {@link #start()}, with more options or capabilities (a test's own switches, its logging). */
    public static ChromeDriver start(Consumer<ChromeOptions> more) {
        assumeInstalled();
        try {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(BROWSER.toFile());
            // A fresh profile per browser; --no-sandbox because tests run as root in a container.
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--no-first-run", "--disable-background-networking", "--window-size=1280,800",
                    "--user-data-dir=" + Files.createTempDirectory("chromium-"));
            more.accept(options);
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                    .usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
            return driver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
