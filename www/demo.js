// The demo page's own behaviour: the live URL from ?live=, the theme switch, copy buttons.
const live = new URLSearchParams(location.search).get('live');
if (live) document.getElementById('live').setAttribute('src', live);

const theme = document.getElementById('theme');
theme.addEventListener('change', () => {
  document.body.classList.toggle('light', theme.value === 'light');
  document.body.classList.toggle('dark', theme.value === 'dark');
});

for (const pre of document.querySelectorAll('pre.snippet')) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'copy';
  button.textContent = 'Copy';
  button.setAttribute('aria-label', 'Copy this snippet');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(pre.querySelector('code').textContent);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Select and copy';
    }
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  });
  pre.append(button);
}
