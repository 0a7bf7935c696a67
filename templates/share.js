// The share links' «نسخ الرابط» button: shown only where the browser can copy.
document.querySelectorAll(".copy-link").forEach(function (button) {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(button.dataset.url).then(function () {
      button.textContent = "نُسخ الرابط";
    });
  });
});
