# GroupBuy server image: Node 20, the workspace installed with its lockfile, built (web widget, WebAssembly).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=3000
COPY package.json package-lock.json .npmrc ./
COPY packages/core/package.json packages/core/
COPY packages/router/package.json packages/router/
COPY packages/adapters/package.json packages/adapters/
COPY packages/server/package.json packages/server/
COPY wasm/package.json wasm/
# tsx and esbuild are dev dependencies of the root (esbuild also of the server: npm start bundles the server)
RUN npm ci --include=dev && npm cache clean --force
COPY . .
RUN npm run build
# the server bundle npm start runs (packages/server/scripts/start.mjs), built here: the node user cannot write /app
RUN node packages/server/scripts/start.mjs --build-only
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["npm", "start"]
