// A wide chart on a narrow phone opens at its right end: the latest months first.
document.querySelectorAll("[data-scroll-end]").forEach(function (box) {
  box.scrollLeft = box.scrollWidth;
});
