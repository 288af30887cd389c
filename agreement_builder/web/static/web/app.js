// Progressive enhancement only: with htmx loaded, the build progress refreshes by itself, so the
// "refresh the page" hint is hidden. Every page works without this file.
document.documentElement.classList.add("htmx-on");
