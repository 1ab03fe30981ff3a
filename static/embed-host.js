// Optional, for the page that embeds a widget: fits each playground iframe to its content.
// <script src="https://your.site/playground/embed-host.js" defer></script>
window.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'backpressure-playground:height' || !Number.isFinite(data.height)) return;
  for (const frame of document.querySelectorAll('iframe')) {
    // Only the frame that sent it, and never past a sane height (a page cannot be stretched away).
    if (frame.contentWindow === event.source) frame.style.height = `${Math.min(Math.max(Math.ceil(data.height), 0), 20000)}px`;
  }
});
