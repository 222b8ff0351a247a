package dev.billing.dashboard.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The pages' one style sheet, and the Content-Security-Policy that allows exactly it. */
public final class Style {
    /** The style sheet, the whole content of the page's only {@code <style>} element. */
    public static final String CSS = """
            :root{--bg:#f3f5f8;--fg:#18212d;--muted:#5a6574;--card:#fff;--line:#dfe4eb;--accent:#2f6fde;\
            --bad:#b3261e;--bad-bg:#fdecea;--warn:#7a5000;--warn-bg:#fff5d9;--ok:#1b7339;--ok-bg:#e5f4ea;\
            color-scheme:light}
            *{box-sizing:border-box}
            html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
            body{margin:0;background:var(--bg);color:var(--fg);\
            font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans","DejaVu Sans",sans-serif}
            a{color:var(--accent)}
            .wrap{max-width:1120px;margin:0 auto;padding:0 16px}
            header.top{background:#17202c;color:#fff;padding:16px 0 14px}
            header.top a{color:#bcd3ff}
            .crumbs{margin:0 0 2px;font-size:.9rem;color:#b9c3d1}
            h1{font-size:1.5rem;line-height:1.2;margin:0 0 4px;overflow-wrap:anywhere}
            .sub{margin:0;color:#b9c3d1}
            form.filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end;margin-top:12px}
            form.filters label{display:flex;flex-direction:column;gap:2px;font-size:.78rem;color:#b9c3d1}
            form.filters input,form.filters select{font:inherit;font-size:.9rem;padding:4px 6px;min-width:0;\
            border:1px solid #4a5668;border-radius:6px;background:#0f1620;color:#fff;color-scheme:dark}
            form.filters button{font:inherit;font-size:.9rem;padding:5px 16px;border:0;border-radius:6px;\
            background:var(--accent);color:#fff;cursor:pointer}
            main{padding-top:16px;padding-bottom:4px}
            section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;\
            margin:0 0 16px;min-width:0}
            h2{font-size:1.05rem;margin:0 0 10px}
            h3{font-size:.9rem;margin:0 0 6px;color:var(--muted)}
            .banner{border:1px solid;border-radius:10px;padding:10px 14px;margin:0 0 16px;font-weight:600}
            .banner.ok{background:var(--ok-bg);color:var(--ok);border-color:#b5dcc1}
            .banner.bad{background:var(--bad-bg);color:var(--bad);border-color:#f0b4b0}
            .banner.warn{background:var(--warn-bg);color:var(--warn);border-color:#ecd08a}
            .cards{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:12px}
            .card{flex:1 1 190px;border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#f9fafc}
            .card .label{display:block;font-size:.78rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
            .card .amount{display:block;font-size:1.45rem;font-weight:650;overflow-wrap:anywhere}
            .card.converted{border-style:dashed}
            .grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,320px),1fr));gap:16px 20px}
            .table-wrap{overflow-x:auto}
            figure{margin:0;min-width:0}
            figcaption{font-weight:600;margin:0 0 6px}
            svg.chart{display:block;width:100%;height:auto;margin:0 0 8px}
            .bar{fill:var(--accent)}
            .bar.neg{fill:#d9822b}
            .bar.anomaly{fill:var(--bad)}
            .anomaly-mark{fill:var(--bad)}
            tr.anomaly th,tr.anomaly td{background:var(--bad-bg)}
            ul.drivers{margin:0;padding-left:1.1em}
            .gridline{stroke:var(--line);stroke-width:1}
            .axis{stroke:#8e99a8;stroke-width:1}
            .tick{fill:var(--muted);font-size:11px}
            .tick.y{text-anchor:end}
            .tick.x{text-anchor:middle}
            .scroll{max-height:300px;overflow:auto}
            table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
            th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
            td{overflow-wrap:break-word}
            .lines data{display:block}
            table.services-table,table.tags-table{table-layout:fixed;font-size:.92rem}
            table.services-table th,table.services-table td,table.tags-table th,table.tags-table td{padding:6px 5px}
            table.services-table th:nth-child(2),table.tags-table th:nth-child(2){width:10.8em}
            table.services-table th:nth-child(3),table.tags-table th:nth-child(3){width:4.4em}
            td.id,time,.badge{white-space:nowrap}
            thead th{font-size:.76rem;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em}
            .num{text-align:right;white-space:nowrap}
            tbody tr.other td{color:var(--muted)}
            .badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:.76rem;font-weight:700;\
            letter-spacing:.03em}
            .b-ok{background:var(--ok-bg);color:var(--ok)}
            .b-failed{background:var(--bad);color:#fff}
            .b-stale,.b-partial,.b-pending{background:var(--warn-bg);color:var(--warn);border:1px solid #e2bf5e}
            tr.st-failed td{background:var(--bad-bg)}
            tr.st-stale td,tr.st-partial td,tr.st-pending td{background:var(--warn-bg)}
            tr.st-failed td:first-child{box-shadow:inset 4px 0 var(--bad)}
            tr.st-stale td:first-child,tr.st-partial td:first-child,tr.st-pending td:first-child{box-shadow:inset 4px 0 #dba400}
            .reason{overflow-wrap:anywhere}
            tr.st-failed .reason{color:var(--bad);font-weight:600}
            .muted{color:var(--muted)}
            .vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
            footer{color:var(--muted);font-size:.85rem;padding-bottom:24px}
            @media (max-width:640px){
            h1{font-size:1.25rem}
            .card .amount{font-size:1.25rem}
            table.stack td{overflow-wrap:anywhere}
            table.stack,table.stack tbody{display:block}
            table.stack thead{display:none}
            table.stack tr{display:block;border-bottom:1px solid var(--line);padding:4px 0}
            table.stack td{display:flex;justify-content:space-between;gap:12px;border:0;padding:3px 8px;text-align:right}
            table.stack td.id{white-space:normal}
            table.stack td::before{content:attr(data-label);flex:none;text-align:left;font-weight:600;color:var(--muted)}
            }
            """;

    /** {@code 'sha256-...'}: the CSP source that allows {@link #CSS} and nothing else. */
    public static final String CSS_HASH = "'sha256-" + sha256(CSS) + "'";

    /**
     * The policy the pages work under: nothing may load, only the page's own style sheet applies, the
     * period form submits to the same origin, and only same-origin pages may frame it.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src " + CSS_HASH
            + "; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";

    private Style() {
    }

    private static String sha256(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
