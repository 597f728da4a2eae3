// The page's own JavaScript: drawing on the canvas with mouse, pen or touch.
// Everything that touches the WebSocket is C++ (demo_page.cpp).
'use strict';

(() => {
  const canvas = document.getElementById('drawing');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  let color = '#1f2937';
  let last = null;

  // Opaque white background: every pixel has alpha 255, so the pixels read back
  // from the echo canvas equal the ones sent.
  const clear = () => {
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
  };

  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) * canvas.width) / box.width,
      y: ((event.clientY - box.top) * canvas.height) / box.height,
    };
  };

  const strokeTo = (to) => {
    context.strokeStyle = color;
    context.lineWidth = 4;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(last.x, last.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    last = to;
  };

  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    strokeTo({ x: last.x + 0.01, y: last.y });
  });
  canvas.addEventListener('pointermove', (event) => {
    if (last) strokeTo(point(event));
  });
  for (const type of ['pointerup', 'pointercancel']) {
    canvas.addEventListener(type, () => { last = null; });
  }

  for (const swatch of document.querySelectorAll('.swatch')) {
    swatch.addEventListener('click', () => {
      color = swatch.dataset.color;
      for (const other of document.querySelectorAll('.swatch')) other.classList.toggle('selected', other === swatch);
    });
  }
  document.querySelector('.swatch').classList.add('selected');
  document.getElementById('clear').addEventListener('click', clear);

  clear();
  const echo = document.getElementById('echo-canvas').getContext('2d');
  echo.fillStyle = '#f3f4f6';
  echo.fillRect(0, 0, echo.canvas.width, echo.canvas.height);
})();
