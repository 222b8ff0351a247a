package dev.billing.spring;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpServer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One servlet request seen as an exchange of the JDK's HTTP server, so that billing-dashboard's
 * {@link dev.billing.dashboard.DashboardHandler} answers it unchanged: the same routes, parameters, pages,
 * JSON, errors and headers as {@code billing serve}.
 */
final class ServletExchange extends HttpExchange {
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final HttpContext context;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private int status = -1;

    ServletExchange(HttpServletRequest request, HttpServletResponse response, String mountPath, HttpHandler handler) {
        this.request = request;
        this.response = response;
        this.context = new MountContext(request.getContextPath() + mountPath, handler);
        for (String name : Collections.list(request.getHeaderNames())) {
            requestHeaders.put(name, Collections.list(request.getHeaders(name)));
        }
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        String query = request.getQueryString();
        return URI.create(request.getRequestURI() + (query == null ? "" : "?" + query));
    }

    @Override
    public String getRequestMethod() {
        return request.getMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return context;
    }

    @Override
    public void close() {
        // the servlet container completes the response
    }

    @Override
    public InputStream getRequestBody() {
        try {
            return request.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public OutputStream getResponseBody() {
        try {
            return response.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void sendResponseHeaders(int code, long length) {
        status = code;
        response.setStatus(code);
        responseHeaders.forEach((name, values) -> {
            if (name.equalsIgnoreCase("Content-Length")) {
                response.setContentLengthLong(Long.parseLong(values.get(0)));
            } else {
                values.forEach(v -> response.addHeader(name, v));
            }
        });
        if (length > 0) {
            response.setContentLengthLong(length);
        }
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return InetSocketAddress.createUnresolved(request.getRemoteAddr(), request.getRemotePort());
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return InetSocketAddress.createUnresolved(request.getLocalAddr(), request.getLocalPort());
    }

    @Override
    public String getProtocol() {
        return request.getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream in, OutputStream out) {
        throw new UnsupportedOperationException("the dashboard sets no filter streams");
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }

    /** The mount point as the handler's context. */
    private static final class MountContext extends HttpContext {
        private final String path;
        private final HttpHandler handler;
        private final Map<String, Object> attributes = new HashMap<>();

        MountContext(String path, HttpHandler handler) {
            this.path = path;
            this.handler = handler;
        }

        @Override
        public HttpHandler getHandler() {
            return handler;
        }

        @Override
        public void setHandler(HttpHandler handler) {
            throw new UnsupportedOperationException("the mount's handler is fixed");
        }

        @Override
        public String getPath() {
            return path;
        }

        @Override
        public HttpServer getServer() {
            return null;
        }

        @Override
        public Map<String, Object> getAttributes() {
            return attributes;
        }

        @Override
        public List<Filter> getFilters() {
            return List.of();
        }

        @Override
        public Authenticator setAuthenticator(Authenticator auth) {
            throw new UnsupportedOperationException("the application's security authenticates");
        }

        @Override
        public Authenticator getAuthenticator() {
            return null;
        }
    }
}
