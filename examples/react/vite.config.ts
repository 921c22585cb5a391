import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// Served by the demo host page at /react/ (`npm start`, then http://localhost:8081/react/).
export default defineConfig({
  base: '/react/',
  plugins: [react()],
})
