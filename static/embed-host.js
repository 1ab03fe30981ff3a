// Optional, for the page that embeds a widget: fits each playground iframe to its content.
// <script src="https://your.site/playground/embed-host.js" defer></script>
window.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'backpressure-playground:height' || !Number.isFinite(data.height)) return;
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow === event.source) frame.style.height = `${Math.ceil(data.height)}px`;
  }
});
