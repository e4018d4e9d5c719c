"""Regenerate the report's pictures in docs/: the sample's HTML report at desktop width
(1400 px, docs/report-screenshot.png), at phone width (420 px, docs/report-mobile.png)
and page 1 of it printed to A4 (docs/report-pdf-page1.png). Look at them before
committing. Needs Debian's chromium, chromium-driver and poppler-utils (pdftoppm):

    make screenshots
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.print_page_options import PrintOptions

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def main() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path, pdftoppm = shutil.which("chromedriver"), shutil.which("pdftoppm")
    if not (chromium and driver_path and pdftoppm):
        print("needs chromium, chromedriver and pdftoppm (poppler-utils)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        zjp = [sys.executable, "-m", "zjpaoyici", "report", str(ROOT / "catalog")]
        subprocess.run([*zjp, "-f", "html", "--lang", "zh", "-o", str(page)], check=True)
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        try:
            for name, width, height in (("screenshot", 1400, 2000), ("mobile", 420, 1600)):
                driver.set_window_size(width, height)
                driver.get(page.as_uri())
                driver.save_screenshot(str(DOCS / f"report-{name}.png"))
            pdf_options = PrintOptions()
            pdf_options.page_width, pdf_options.page_height = 21.0, 29.7
            pdf = Path(tmp) / "report.pdf"
            pdf.write_bytes(base64.b64decode(driver.print_page(pdf_options)))
        finally:
            driver.quit()
        first = DOCS / "report-pdf-page1"
        subprocess.run(
            [
                pdftoppm,
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(first),
            ],
            check=True,
        )
    for name in ("screenshot", "mobile", "pdf-page1"):
        print(f"docs/report-{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
