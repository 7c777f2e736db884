// The page's notices: plain text only (they can quote the hash), the last 12, closed together.

const $ = (id) => document.getElementById(id);

const notices = [];
export function notify(text) {
  notices.push(String(text));
  while (notices.length > 12) notices.shift();
  const list = $('notice-list');
  list.replaceChildren(...notices.map((t) => {
    const li = document.createElement('li');
    li.textContent = t;
    return li;
  }));
  $('notices').hidden = false;
}
$('notice-close').addEventListener('click', () => {
  notices.length = 0;
  $('notices').hidden = true;
});
