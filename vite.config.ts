import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The SPA lives in src/web and is built into dist/web, which the Fastify server serves (src/server/app.ts). */
export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    // No manualChunks: one chunk holding all of antd (or the editor) would be preloaded by the first
    // screen. Rolldown splits by import graph, so routes and the editor load only where they are used.
    chunkSizeWarningLimit: 600,
    reportCompressedSize: false,
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.ZX_API_URL ?? 'http://localhost:3000', changeOrigin: false } },
  },
});
