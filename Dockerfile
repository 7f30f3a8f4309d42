# One image for every kubemu component; each service picks its entrypoint (see docker-compose.yml).
# The base is the public Node.js image when it can be pulled, otherwise kubemu/node-base:local assembled
# from this machine by images/node-base/build.sh (`npm run up` chooses and says which).
# The build context is .kubemu/image/, staged by `kubemu up`: compiled dist/, production node_modules, tools/.
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}
WORKDIR /opt/kubemu
COPY package.json ./
COPY node_modules ./node_modules
COPY dist ./dist
# tools/: the host's static busybox as `ip` when there is one (kube-proxy installs the ClusterIP route with it);
# appended to PATH so a base image's own `ip` wins
COPY tools ./tools
ENV PATH=${PATH}:/opt/kubemu/tools
ENV NODE_ENV=production
LABEL io.kubemu.image=kubemu
ENTRYPOINT ["node"]
CMD ["dist/api-server/main.js", "--help"]
